"""The notification layer's tasks: one delivery, the retries (beat, every minute) and the
daily digest of reminders (beat, 08:00)."""

from __future__ import annotations

from celery import shared_task

from clinic.notify import digest, dispatch


@shared_task
def deliver(delivery_id: int) -> bool:
    """Send one delivery (queued through the outbox after the notifying action commits)."""
    return dispatch.deliver(delivery_id)


@shared_task
def retry_deliveries() -> int:
    """Try again the deliveries a gateway turned away for a reason that may pass."""
    return dispatch.retry_due()


@shared_task
def send_digests() -> int:
    """Daily at 08:00 (beat): each person's one reminder of the work still outstanding."""
    return digest.send_digests()
