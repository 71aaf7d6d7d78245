"""``manage.py send_digests``: the daily reminder digests, as the 08:00 beat job writes them
(cron's alternative to beat). It runs the reminder senders, then writes each person with
something outstanding today one digest; run again the same day, it writes none."""

from __future__ import annotations

from typing import Any

from clinic.lib.commands import AuditedCommand
from clinic.notify.digest import send_digests


class Command(AuditedCommand):
    help = "Write today's daily reminder: one digest a person of their due and overdue work."

    def handle(self, *args: Any, **options: Any) -> None:
        written = send_digests()
        self.stdout.write(f"{written} digests written.")
