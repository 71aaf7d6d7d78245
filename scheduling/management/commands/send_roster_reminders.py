"""``manage.py send_roster_reminders``: the same as the daily Celery beat job (for cron)."""

from __future__ import annotations

from typing import Any

from clinic.lib.commands import AuditedCommand
from scheduling.actions.bookings import do_send_roster_reminders


class Command(AuditedCommand):
    help = "Remind professionals of tomorrow's shifts and coordinators of uncovered seats."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{do_send_roster_reminders()} reminders sent.")
