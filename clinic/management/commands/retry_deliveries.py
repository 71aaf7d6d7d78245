"""Try again the notices a gateway turned away (cron's alternative to beat, every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from clinic.lib.commands import AuditedCommand
from clinic.models import Delivery
from clinic.notify import dispatch


class Command(AuditedCommand):
    help = "Send the notices whose next try is due (SMS, email, group robots)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = dispatch.retry_due()
        waiting = Delivery.objects.filter(state=Delivery.State.PENDING, attempts__gt=0)
        self.stdout.write(f"sent {sent}, waiting for a later try {waiting.count()}")
        refused = waiting.filter(next_attempt_at__lte=timezone.now()).count()
        if refused:
            raise CommandError(f"a gateway still refuses: {refused} notices due and not sent")
