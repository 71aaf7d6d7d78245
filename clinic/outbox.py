"""The transactional outbox: queue Celery tasks so that a broker outage loses none.

``enqueue(task, *args)`` writes an ``OutboxMessage`` in the caller's transaction and, once it
commits, hands the task to the broker. If the broker does not take it (Redis stopped, network
down) the action has still committed and the user sees nothing wrong: the message stays
pending and ``drain()`` sends it later, from the next successful send, from the
``clinic.tasks.drain_outbox`` beat task or from ``manage.py drain_outbox``. In-process Celery
(no broker configured) runs the task right after the commit, as before.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from clinic.celery import app
from clinic.models import OutboxMessage

log = logging.getLogger(__name__)

#: How many pending messages one drain sends at most.
DRAIN_BATCH = 500


def enqueue(task: str, *args: Any, robust: bool = False) -> OutboxMessage:
    """Queue ``task(*args)`` (arguments must be JSON) to run after the current transaction.

    ``robust``: with in-process Celery, an error of the task is logged rather than raised
    into the request that queued it (for side jobs such as email)."""
    import_string(task)  # a misspelt task fails here, in the action, not later in a worker
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: _after_commit(message.pk), robust=robust)
    return message


def _after_commit(pk: int) -> None:
    if app.conf.task_always_eager:
        # In-process Celery: run now, as the task call did before the outbox; the task's own
        # failure handling applies (errors propagate in tests).
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=1)
        message = OutboxMessage.objects.get(pk=pk)
        _task(message.task).apply_async(args=message.args)
        return
    if send(pk) and pending().exists():
        drain()


def _task(name: str) -> Any:
    """The project's own task (not whichever Celery app is current in this thread)."""
    import_string(name)  # registers the task with every app
    return app.tasks[name]


def pending() -> Any:
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def _publish(message: OutboxMessage) -> None:
    app.send_task(message.task, args=message.args, retry=False)


def send(pk: int) -> bool:
    """Hand one message to the broker; False (and the message stays pending) if it is down."""
    message = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).first()
    if message is None:
        return True
    try:
        _publish(message)
    except Exception as error:  # the broker's errors vary by transport; all mean "not sent"
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=message.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        log.warning("broker did not take %s, kept in the outbox: %s", message, error)
        return False
    OutboxMessage.objects.filter(pk=pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def drain(limit: int = DRAIN_BATCH) -> tuple[int, int]:
    """Send pending messages oldest first; stop at the first the broker refuses.

    Returns (sent, still pending). Concurrent drains do not send a message twice on
    PostgreSQL (rows are claimed with ``SKIP LOCKED``); elsewhere the tasks' idempotence
    covers the rare double send.
    """
    sent = 0
    with transaction.atomic():
        batch = pending().order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            batch = batch.select_for_update(skip_locked=True)
        for message in list(batch[:limit]):
            if not send(message.pk):
                break
            sent += 1
    return sent, pending().count()
