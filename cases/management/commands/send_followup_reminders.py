"""``manage.py send_followup_reminders``: the same as the daily Celery beat job (for cron)."""

from __future__ import annotations

from typing import Any

from cases.follow_ups.actions import do_send_followup_reminders
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Remind assignees of follow-ups due within 3 days, and coordinators of overdue ones."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{do_send_followup_reminders(actor=None)} reminders sent.")
