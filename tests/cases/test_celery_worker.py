"""A real Celery worker on Redis runs the daily reminder digest (whose collectors find the
due follow-up); each person's digest appears exactly once."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery import Celery
from django.core.management import call_command
from django.utils import timezone

from cases.models import FollowUp
from clinic.celery import app
from clinic.models import Notification
from clinic.notify.render import render_notification
from tests.cases.factories import in_state

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_app() -> Iterator[Celery]:
    """An app of our tasks talking to the real broker (the project's own app runs tasks
    in-process in tests), with a result backend so the test can wait for each run."""
    url = os.environ["CELERY_BROKER_URL"]
    test_app = Celery("clinic-worker-test", broker=url, backend=url, set_as_current=False)
    test_app.conf.task_always_eager = False
    test_app.conf.timezone = app.conf.timezone
    test_app.autodiscover_tasks(["cases", "clinic", "scheduling"], force=True)
    yield test_app
    app.set_current()  # the worker made its app the current one; the project's is again


@pytest.fixture
def celery_worker_parameters() -> dict:
    return {"perform_ping_check": False, "queues": ("celery",)}


def test_the_worker_sends_each_daily_reminder_exactly_once(celery_app, celery_worker) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    case = in_state("follow_up")
    FollowUp.objects.filter(case=case).update(due_on=timezone.localdate() + timedelta(days=1))
    task = celery_app.tasks["clinic.notify.tasks.send_digests"]
    first = task.delay().get(timeout=30)
    second = task.delay().get(timeout=30)
    assert first >= 1 and second == 0
    digest = Notification.objects.get(key__startswith="digest:", user__username="mediator")
    assert [
        line
        for line in render_notification(digest).body.splitlines()
        if case.number in line and "回访" in line
    ]
