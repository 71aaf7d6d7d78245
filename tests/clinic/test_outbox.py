"""Broker outages: actions commit, users see no error, and the tasks they queued are sent
once the broker is back (clinic.outbox)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.choices import State
from cases.models import DocumentJob
from clinic import outbox
from clinic.celery import app as celery_app
from clinic.models import OutboxMessage
from tests.cases.factories import in_state
from tests.conftest import IN_CI, client_for


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
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


# --- A real Redis stopped and restarted around an action ------------------------------------


class RedisServer:
    """A private redis-server on a free port, with an append-only file so a restart keeps
    what was queued (as a production broker should be configured)."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (Debian package redis-server)"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        self.binary = binary
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == "+PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)

    def command(self, *words: str) -> str:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall((" ".join(words) + "\r\n").encode())
                return conn.recv(1 << 20).decode().split("\r\n")[0]
        except OSError:
            return ""

    def queued(self) -> list[dict[str, Any]]:
        """The task messages waiting in the default queue, oldest first."""
        length = int(self.command("LLEN", "celery").lstrip(":") or 0)
        messages = []
        for index in range(length):
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(f"LINDEX celery {-1 - index}\r\n".encode())
                data = b""
                while not data.endswith(b"\r\n") or data.count(b"\r\n") < 2:
                    data += conn.recv(1 << 20)
            messages.append(json.loads(data.split(b"\r\n", 1)[1].rsplit(b"\r\n", 1)[0]))
        return messages


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
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
