"""``manage.py expire_jobs``: the same as the every-minute Celery beat job (for cron)."""

from __future__ import annotations

from typing import Any

from cases.jobs import expire_jobs
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Fail the background jobs past their time limit (the case file 10 min, an export 30)."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = expire_jobs()
        self.stdout.write(f"{failed} jobs failed as timed out.")
