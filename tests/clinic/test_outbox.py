"""Broker outages: actions commit, users see no error, and the tasks they queued are sent
once the broker is back; a message records sent → done (or failed), and one handed off but
not finished after ten minutes is sent again (clinic.outbox)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cases.choices import JobStatus, State
from cases.documents import papers
from cases.models import DocumentJob
from clinic import outbox
from clinic.celery import app as celery_app
from clinic.models import OutboxMessage
from tests.cases.factories import in_state
from tests.conftest import client_for
from tests.redis_server import RedisServer


def _reset_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def use_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Send tasks to a broker instead of running them in-process, for this test only."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url

    def use(url: str) -> None:
        # Celery lets the environment variable win over its configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.update(task_always_eager=False, broker_url=url)
        _reset_pools()

    yield use
    celery_app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
    _reset_pools()


def test_without_a_broker_the_action_commits_and_its_task_waits(
    demo: None, use_broker: Callable[[str], None], django_capture_on_commit_callbacks: Any
) -> None:
    use_broker("redis://127.0.0.1:9/0")  # nothing listens on port 9
    case = in_state(State.SIT_IN)
    client = client_for("mediator")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_file", args=[case.pk]))

    assert response.status_code == 302  # to the progress page, not an error page
    job = DocumentJob.objects.get(case=case)
    assert job.status == "pending"
    message = OutboxMessage.objects.get(task="cases.tasks.render_case_file")
    assert message.args == [str(job.pk)] and message.sent_at is None
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 1 and message.last_error
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["broker"] == "down" and health.json()["queued_tasks"] == 1
    # Still down: draining keeps the message and says so.
    assert outbox.drain() == (0, 1)
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 2


def test_in_process_celery_runs_the_task_right_after_the_commit(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = in_state(State.SIT_IN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("mediator").post(reverse("cases:request_case_file", args=[case.pk]))
    assert response.status_code == 302
    assert DocumentJob.objects.get(case=case).status == "done"
    message = OutboxMessage.objects.get(task="cases.tasks.render_case_file")
    assert message.state == OutboxMessage.State.DONE
    assert message.sent_at and message.finished_at and message.attempts == 1


def test_a_task_that_fails_marks_its_message_failed_with_the_error(
    demo: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("font missing")

    monkeypatch.setattr(papers, "render_case_file", broken)
    case = in_state(State.SIT_IN)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        client_for("mediator").post(reverse("cases:request_case_file", args=[case.pk]))
    message = OutboxMessage.objects.get(task="cases.tasks.render_case_file")
    assert message.state == OutboxMessage.State.FAILED
    assert message.last_error == "RuntimeError: font missing" and message.finished_at
    assert outbox.drain() == (0, 0)  # a failed task is not sent again


def _request_case_file(case: Any, capture: Any) -> OutboxMessage:
    with capture(execute=True):
        client_for("mediator").post(reverse("cases:request_case_file", args=[case.pk]))
    return OutboxMessage.objects.get(args=[str(DocumentJob.objects.get(case=case).pk)])


def _run_as_a_worker(message: OutboxMessage) -> None:
    """What a worker does with the message the broker delivers: the task, with its headers."""
    celery_app.tasks[message.task].apply(args=message.args, headers={outbox.HEADER: message.pk})


def test_a_handed_off_task_stays_sent_until_the_task_says_it_is_done(
    demo: None, use_broker: Callable[[str], None], django_capture_on_commit_callbacks: Any
) -> None:
    use_broker("memory://localhost/")  # a broker that takes everything, and no worker
    case = in_state(State.SIT_IN)
    message = _request_case_file(case, django_capture_on_commit_callbacks)
    assert message.state == OutboxMessage.State.SENT and message.attempts == 1
    assert message.finished_at is None
    assert DocumentJob.objects.get(case=case).status == JobStatus.PENDING

    _run_as_a_worker(message)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.DONE and message.finished_at
    assert DocumentJob.objects.get(case=case).status == JobStatus.DONE


def test_the_sweep_sends_again_a_task_handed_off_10_minutes_ago_and_not_finished(
    demo: None,
    use_broker: Callable[[str], None],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_broker("memory://localhost/")
    message = _request_case_file(in_state(State.SIT_IN), django_capture_on_commit_callbacks)
    published: list[int] = []
    monkeypatch.setattr(outbox, "_publish", lambda m: published.append(m.pk))
    handed_off = message.sent_at
    assert handed_off is not None

    with time_machine.travel(handed_off + outbox.RESEND_AFTER - timedelta(seconds=30)):
        assert outbox.drain() == (0, 0)
    with time_machine.travel(handed_off + outbox.RESEND_AFTER + timedelta(seconds=30)):
        call_command("drain_outbox", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert published == [message.pk]
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT and message.attempts == 2

    _run_as_a_worker(message)
    with time_machine.travel(handed_off + 3 * outbox.RESEND_AFTER):
        assert outbox.drain() == (0, 0)
    assert published == [message.pk]


def test_a_task_done_before_its_hand_off_is_recorded_stays_done(
    demo: None,
    use_broker: Callable[[str], None],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_broker("memory://localhost/")
    monkeypatch.setattr(outbox, "_publish", _run_as_a_worker)  # a very quick worker
    message = _request_case_file(in_state(State.SIT_IN), django_capture_on_commit_callbacks)
    assert message.state == OutboxMessage.State.DONE
    assert not outbox.due().exists()


# --- A real Redis stopped and restarted around an action ------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, persistent=True)
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_and_restarted_around_an_action_loses_no_task(
    redis_server: RedisServer, use_broker: Callable[[str], None]
) -> None:
    call_command("seed_demo", "--base-only", stdout=open(os.devnull, "w"))  # noqa: SIM115
    use_broker(redis_server.url)
    first, second = in_state(State.SIT_IN), in_state(State.SIT_IN)
    client = client_for("mediator")

    assert client.post(reverse("cases:request_case_file", args=[first.pk])).status_code == 302
    assert len(redis_server.queued()) == 1

    redis_server.stop()
    response = client.post(reverse("cases:request_case_file", args=[second.pk]))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    waiting = DocumentJob.objects.get(case=second)
    assert list(outbox.pending().values_list("args", flat=True)) == [[str(waiting.pk)]]
    health = client.get("/healthz").json()
    assert health["broker"] == "down" and health["queued_tasks"] == 1

    redis_server.start()
    assert client.get("/healthz").status_code == 200
    call_command("drain_outbox", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not outbox.pending().exists()
    sent = redis_server.queued()
    assert [m["headers"]["task"] for m in sent] == ["cases.tasks.render_case_file"] * 2
    jobs = [str(DocumentJob.objects.get(case=c).pk) for c in (first, second)]
    assert [m["headers"]["argsrepr"] for m in sent] == [repr([job]) for job in jobs]
