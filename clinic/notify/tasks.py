"""The notification layer's tasks: one delivery, and the retries (beat, every minute)."""

from __future__ import annotations

from celery import shared_task

from clinic.notify import dispatch


@shared_task
def deliver(delivery_id: int) -> bool:
    """Send one delivery (queued through the outbox after the notifying action commits)."""
    return dispatch.deliver(delivery_id)


@shared_task
def retry_deliveries() -> int:
    """Try again the deliveries a gateway turned away for a reason that may pass."""
    return dispatch.retry_due()
