"""Celery tasks of the clinic app: thin wrappers around actions."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from clinic import outbox
from clinic.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient, once."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        notification = Notification.objects.select_related("user").get(pk=notification_id)
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}".strip()
        send_mail(notification.title, body, None, [notification.user.email])
    return True


@shared_task
def drain_outbox() -> int:
    """Send the tasks actions queued while the broker was away (every minute, from beat)."""
    sent, _pending = outbox.drain()
    return sent
