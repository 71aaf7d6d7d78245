"""Send the background tasks queued while the broker was down (cron's alternative to beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from clinic import outbox
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Send queued background tasks that the broker has not taken yet."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while True:
            sent, pending = outbox.drain()
            total += sent
            if not sent or not pending:
                break
        self.stdout.write(f"sent {total}, pending {pending}")
        if pending:
            raise CommandError(f"the broker is still refusing tasks: {pending} pending")
