"""Celery tasks of the clinic app: thin wrappers around actions. Each may run twice (the
outbox sends again a task not finished in ten minutes) and does its work once."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from clinic import outbox
from clinic.models import Notification
from clinic.notify.render import render_notification
from clinic.notify.tasks import deliver, retry_deliveries  # noqa: F401  registered with Celery


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient, once (kept for what an earlier version
    queued: notices now go through ``clinic.notify.tasks.deliver``): the notification is
    claimed (its ``emailed_at``) in the transaction that sends the mail, so a second run sends
    nothing and a failed send leaves it to the retry."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        notification = Notification.objects.select_related("user").get(pk=notification_id)
        shown = render_notification(notification)  # in the reader's language, a full link
        body = "\n\n".join(part for part in (shown.body, shown.url) if part)
        send_mail(shown.title, body, None, [notification.user.email])
    return True


@shared_task
def drain_outbox() -> int:
    """Every minute, from beat: send the tasks queued while the broker was away, and again
    those handed to it ten minutes ago and not finished (``clinic.outbox.drain``)."""
    sent, _pending = outbox.drain()
    return sent
