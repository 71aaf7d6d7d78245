"""The transactional outbox: queue Celery tasks so that a broker outage loses none.

``enqueue(task, *args)`` writes an ``OutboxMessage`` in the caller's transaction and, once it
commits, hands the task to the broker. A message goes pending → sent → done (or failed):

- **pending**: the broker did not take it (Redis stopped, network down). The action has still
  committed and the user sees nothing wrong, without waiting: the broker connection gives up
  fast (short socket timeouts, one retry; ``CELERY_BROKER_*`` in the settings). ``drain()``
  sends it later, from the next successful send, from the ``clinic.tasks.drain_outbox`` beat
  task or from ``manage.py drain_outbox``.
- **sent**: the broker took it; the message's id travels in the task's headers.
- **done** / **failed**: the task itself says so when it ends (Celery's ``task_success`` and
  ``task_failure`` signals, below), in the worker or in-process.

A message sent but not finished after ``RESEND_AFTER`` (a broker restarted without
persistence forgets what it held; a worker killed mid-task) is sent again by ``drain()``, the
sweep; so a task can run twice, and every task is idempotent. ``overdue()`` counts the
messages not finished ``OVERDUE_AFTER`` past their time, for ``/healthz``.

In-process Celery (no broker configured) runs the task right after the commit, as before.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery.signals import task_failure, task_success
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from clinic.celery import app
from clinic.models import OutboxMessage

log = logging.getLogger(__name__)

State = OutboxMessage.State
UNFINISHED = (State.PENDING, State.SENT)

#: How many messages one drain sends at most.
DRAIN_BATCH = 500
#: A message sent but not finished this long after is sent again (by ``drain``).
RESEND_AFTER = timedelta(minutes=10)
#: ``/healthz`` answers 503 while a message is this much past its time (queued, plus the
#: time its task may take: its ``soft_time_limit``) and not finished.
OVERDUE_AFTER = timedelta(minutes=15)
#: The task header carrying the message's id.
HEADER = "outbox_id"


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
        OutboxMessage.objects.filter(pk=pk).update(
            state=State.SENT, sent_at=timezone.now(), attempts=1
        )
        message = OutboxMessage.objects.get(pk=pk)
        try:
            _task(message.task).apply_async(args=message.args, headers={HEADER: pk})
        except Exception as error:  # propagated (task_eager_propagates): no task_failure
            _record_failure(pk, error)
            raise
        return
    if send(pk) and due().exists():
        drain()


def _task(name: str) -> Any:
    """The project's own task (not whichever Celery app is current in this thread)."""
    import_string(name)  # registers the task with every app
    return app.tasks[name]


def pending() -> Any:
    """Messages the broker has not taken yet."""
    return OutboxMessage.objects.filter(state=State.PENDING)


def unfinished() -> Any:
    return OutboxMessage.objects.filter(state__in=UNFINISHED)


def due(now: datetime | None = None) -> Any:
    """Messages to send: pending, or sent ``RESEND_AFTER`` ago and not finished."""
    stale = (now or timezone.now()) - RESEND_AFTER
    return OutboxMessage.objects.filter(
        Q(state=State.PENDING) | Q(state=State.SENT, sent_at__lte=stale)
    )


def _publish(message: OutboxMessage) -> None:
    app.send_task(message.task, args=message.args, headers={HEADER: message.pk}, retry=False)


def send(pk: int) -> bool:
    """Hand one due message to the broker; False (and the message stays as it was) if the
    broker is down."""
    message = due().filter(pk=pk).first()
    if message is None:
        return True
    try:
        _publish(message)
    except Exception as error:  # the broker's errors vary by transport; all mean "not sent"
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        log.warning("broker did not take %s, kept in the outbox: %s", message, error)
        return False
    # Not over "done": a quick worker may have finished the task already.
    OutboxMessage.objects.filter(pk=pk, state__in=UNFINISHED).update(
        state=State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return True


def drain(limit: int = DRAIN_BATCH) -> tuple[int, int]:
    """Send due messages oldest first (pending ones, and those sent ``RESEND_AFTER`` ago and
    not finished); stop at the first the broker refuses.

    Returns (sent, still due). Concurrent drains do not send a message twice on PostgreSQL
    (rows are claimed with ``SKIP LOCKED``); elsewhere the tasks' idempotence covers the rare
    double send.
    """
    sent = 0
    with transaction.atomic():
        batch = due().order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            batch = batch.select_for_update(skip_locked=True)
        for message in list(batch[:limit]):
            if not send(message.pk):
                break
            sent += 1
    return sent, due().count()


def overdue(now: datetime | None = None) -> int:
    """How many unfinished messages are more than ``OVERDUE_AFTER`` past their time: when
    they were queued, plus how long their task may run."""
    now = now or timezone.now()
    count = 0
    tasks = unfinished().values_list("task", flat=True).distinct().order_by()
    for name in tasks:
        may_take = timedelta(seconds=_time_limit(name))
        cutoff = now - OVERDUE_AFTER - may_take
        count += unfinished().filter(task=name, created_at__lt=cutoff).count()
    return count


def _time_limit(name: str) -> float:
    try:
        return float(_task(name).soft_time_limit or 0)
    except (ImportError, KeyError):  # a task since renamed: no allowance
        return 0.0


# --- The task says how it ended ------------------------------------------------------------


def _message_id(task: Any) -> int | None:
    """The outbox message a running task was sent for, from its headers (None for a task
    sent some other way, such as by beat)."""
    request = task.request
    value = (getattr(request, "headers", None) or {}).get(HEADER)
    if value is None:
        value = getattr(request, HEADER, None)
    return int(value) if value is not None else None


@task_success.connect
def _task_done(sender: Any = None, **kwargs: Any) -> None:
    pk = _message_id(sender)
    if pk is not None:
        OutboxMessage.objects.filter(pk=pk).update(
            state=State.DONE, finished_at=timezone.now(), last_error=""
        )


@task_failure.connect
def _task_failed(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
    pk = _message_id(sender)
    if pk is not None:
        _record_failure(pk, exception)


def _record_failure(pk: int, error: BaseException | None) -> None:
    OutboxMessage.objects.filter(pk=pk).update(
        state=State.FAILED,
        finished_at=timezone.now(),
        last_error=f"{type(error).__name__}: {error}"[:300],
    )
