"""/healthz: the database, the broker, and background work that is late (a task more than
15 minutes overdue, a job past its time limit) each make it 503 for the monitor."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from cases.choices import JobStatus
from cases.models import DocumentJob, ExportJob
from clinic.celery import app as celery_app
from clinic.models import OutboxMessage
from tests.cases.factories import in_state
from tests.conftest import person

State = OutboxMessage.State


def _health() -> tuple[int, dict]:
    response = Client().get("/healthz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_health_is_ok_without_a_sign_in() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in {"ok", "in-process"}
    assert response.json()["overdue_tasks"] == 0 and response.json()["late_jobs"] == 0


@pytest.mark.django_db
def test_an_unreachable_broker_makes_health_503(monkeypatch: pytest.MonkeyPatch) -> None:
    # Celery lets the environment variable win over its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")
    try:
        response = Client().get("/healthz")
    finally:
        celery_app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "broker": "down",
        "queued_tasks": 0,
        "overdue_tasks": 0,
        "late_jobs": 0,
    }


@pytest.mark.django_db
def test_a_database_that_does_not_answer_makes_health_503() -> None:
    with mock.patch("clinic.views.connection.cursor", side_effect=OperationalError("gone")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_a_task_handed_off_and_not_done_15_minutes_later_makes_health_503() -> None:
    queued = timezone.now()
    OutboxMessage.objects.create(
        task="clinic.tasks.send_notification_email", args=[1], state=State.SENT, sent_at=queued
    )
    with time_machine.travel(queued + timedelta(minutes=14)):
        assert _health()[0] == 200
    with time_machine.travel(queued + timedelta(minutes=16)):
        status, body = _health()
    assert status == 503
    assert body["status"] == "down" and body["overdue_tasks"] == 1
    assert body["database"] == "ok" and body["broker"] in {"ok", "in-process"}


@pytest.mark.django_db
def test_a_task_waiting_over_15_minutes_is_overdue_and_a_finished_one_never() -> None:
    queued = timezone.now()
    waiting = OutboxMessage.objects.create(task="clinic.tasks.send_notification_email", args=[1])
    OutboxMessage.objects.create(
        task="clinic.tasks.send_notification_email", args=[2], state=State.DONE
    )
    OutboxMessage.objects.create(
        task="clinic.tasks.send_notification_email", args=[3], state=State.FAILED
    )
    with time_machine.travel(queued + timedelta(minutes=16)):
        assert _health() == (503, mock.ANY)
        assert _health()[1]["overdue_tasks"] == 1 and _health()[1]["queued_tasks"] == 1
        OutboxMessage.objects.filter(pk=waiting.pk).update(state=State.DONE)
        assert _health()[0] == 200


@pytest.mark.django_db
def test_an_export_task_is_overdue_15_minutes_after_its_30_minute_time_limit() -> None:
    queued = timezone.now()
    OutboxMessage.objects.create(
        task="cases.tasks.export_cases", args=["x"], state=State.SENT, sent_at=queued
    )
    with time_machine.travel(queued + timedelta(minutes=44)):
        assert _health()[1]["overdue_tasks"] == 0
    with time_machine.travel(queued + timedelta(minutes=46)):
        assert _health()[1]["overdue_tasks"] == 1


def test_a_case_file_waiting_past_10_minutes_makes_health_503(demo: None) -> None:
    job = DocumentJob.objects.create(case=in_state("sit_in"), requested_by=person("mediator"))
    with time_machine.travel(job.created_at + timedelta(minutes=9)):
        assert _health()[0] == 200
    with time_machine.travel(job.created_at + timedelta(minutes=11)):
        status, body = _health()
    assert status == 503 and body["late_jobs"] == 1 and body["overdue_tasks"] == 0
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    with time_machine.travel(job.created_at + timedelta(minutes=11)):
        assert _health()[0] == 200


def test_an_export_may_run_30_minutes_before_it_makes_health_503(demo: None) -> None:
    job = ExportJob.objects.create(
        requested_by=person("coordinator"), scope="community:1", period="2026-01-01_2026-01-31"
    )
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    with time_machine.travel(job.created_at + timedelta(minutes=29)):
        assert _health()[1]["late_jobs"] == 0
    with time_machine.travel(job.created_at + timedelta(minutes=31)):
        assert _health() == (503, mock.ANY) and _health()[1]["late_jobs"] == 1
