"""``manage.py send_confirmation_reminders``: the same as the daily Celery beat job (for
cron)."""

from __future__ import annotations

from typing import Any

from cases.documents.actions import do_send_confirmation_reminders
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Remind mediators and coordinators of judicial-confirmation windows closing soon."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_send_confirmation_reminders(actor=None)
        self.stdout.write(f"{sent} reminders sent.")
