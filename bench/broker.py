"""An action while the broker is down does not wait for it: the median time of an action
that queues a background task (``clinic.actions.do_notify`` posting to a person's inbox and
queueing the email, committed, the hand-off attempted after the commit) with the broker at a
closed port, ÷ the 0.5 s budget (limit 1). The broker connection's short timeouts and single
retry (``CELERY_BROKER_*`` in the settings) keep it there; the task stays in the outbox."""

from __future__ import annotations

import socket
import statistics
import time
from typing import Any

from django.db import transaction

from bench import result

ROUNDS = 21
BUDGET = 0.5  # seconds


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run() -> list[dict[str, Any]]:
    from clinic.actions import do_notify  # noqa: PLC0415 - Django is set up by now
    from clinic.celery import app  # noqa: PLC0415
    from clinic.models import Notification, OutboxMessage, User  # noqa: PLC0415

    user, _created = User.objects.get_or_create(
        username="bench-broker", defaults={"email": "bench-broker@clinic.example"}
    )
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{_closed_port()}/0")
    app._pool = None
    app.amqp._producer_pool = None
    timings = []
    before = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        for number in range(ROUNDS):
            began = time.perf_counter()
            with transaction.atomic():
                do_notify([user], key=f"bench-broker:{time.time_ns()}:{number}", title="bench")
            timings.append(time.perf_counter() - began)
        kept = OutboxMessage.objects.filter(id__gt=before, state=OutboxMessage.State.PENDING)
        if kept.count() != ROUNDS:
            raise RuntimeError("the broker at a closed port took the tasks?")
    finally:
        app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
        app._pool = None
        app.amqp._producer_pool = None
        OutboxMessage.objects.filter(id__gt=before).delete()
        Notification.objects.filter(user=user).delete()
    # ÷ the 0.5 s budget, within 1
    return [result("action_with_broker_down", statistics.median(timings), BUDGET, 1.0, "s")]
