"""``manage.py send_case_reminders``: the same as the daily Celery beat job (for cron)."""

from __future__ import annotations

from typing import Any

from cases.mediation.actions import do_send_case_reminders
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Remind mediators and coordinators of cases due within 3 days and overdue ones."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_send_case_reminders(actor=None)
        self.stdout.write(f"{sent} reminders sent.")
