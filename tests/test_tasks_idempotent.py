"""Every background task of the project may run twice and does its work once.

A task can run twice: the outbox sends again a task handed off ten minutes ago and not
finished (the broker may have forgotten it, or the worker be slow), and a task acknowledged
late is delivered again when its worker is lost. So each task registered by clinic, cases and
scheduling has a check here that runs it twice, through Celery, and finds the effect of one
run; a new task without a check fails ``test_every_project_task_has_a_run_twice_check``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cases.choices import JobStatus, State
from cases.documents import papers
from cases.models import DocumentJob, ExportJob
from cases.statistics import exports
from clinic import outbox
from clinic.actions import do_notify
from clinic.celery import app as celery_app
from clinic.models import Community, Delivery, Notification, OutboxMessage
from scheduling.actions.bookings import do_book_seat
from tests.cases.factories import in_state
from tests.conftest import person
from tests.scheduling.factories import at, seat, session

PROJECT = ("clinic.", "cases.", "scheduling.")

#: Task name → a check that sets up its work, runs it twice and asserts it was done once.
TWICE: dict[str, Callable[[pytest.MonkeyPatch], None]] = {}


def twice(name: str) -> Callable[[Callable[[pytest.MonkeyPatch], None]], Any]:
    def register(check: Callable[[pytest.MonkeyPatch], None]) -> Any:
        TWICE[name] = check
        return check

    return register


def run(name: str, *args: Any) -> Any:
    """Run a task as a worker would (through Celery, in-process), and return its result."""
    importlib.import_module(name.rsplit(".", 1)[0])
    return celery_app.tasks[name].apply(args=args).get()


@twice("clinic.tasks.send_notification_email")
def _one_email(monkeypatch: pytest.MonkeyPatch) -> None:
    notification = Notification.objects.create(
        user=person("coordinator"), key="twice", title="请查收"
    )
    assert run("clinic.tasks.send_notification_email", notification.pk) is True
    assert run("clinic.tasks.send_notification_email", notification.pk) is False
    assert [m.subject for m in mail.outbox] == ["请查收"]


@twice("clinic.notify.tasks.deliver")
def _one_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    coordinator = person("coordinator")
    coordinator.email = "coordinator@example.org"
    coordinator.save(update_fields=["email"])
    monkeypatch.setattr(outbox, "enqueue", lambda *args, **kwargs: None)  # run by hand below
    do_notify([coordinator], key="twice", title="请查收")
    delivery = Delivery.objects.get(channel="email")
    assert run("clinic.notify.tasks.deliver", delivery.pk) is True
    assert run("clinic.notify.tasks.deliver", delivery.pk) is False
    assert [m.subject for m in mail.outbox] == ["请查收"]


@twice("clinic.notify.tasks.retry_deliveries")
def _each_retry_sent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    coordinator = person("coordinator")
    coordinator.email = "coordinator@example.org"
    coordinator.save(update_fields=["email"])
    monkeypatch.setattr(outbox, "enqueue", lambda *args, **kwargs: None)  # the gateway was down
    do_notify([coordinator], key="twice", title="请查收")
    Delivery.objects.update(attempts=1, next_attempt_at=timezone.now())
    assert run("clinic.notify.tasks.retry_deliveries") == 1
    assert run("clinic.notify.tasks.retry_deliveries") == 0
    assert [m.subject for m in mail.outbox] == ["请查收"]


@twice("clinic.notify.tasks.send_digests")
def _one_digest_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic.notify.digest import remind  # noqa: PLC0415
    from clinic.notify.notices import day  # noqa: PLC0415

    # only the two items below: what the collectors find depends on the day (a committee's
    # report is reminded from the 2nd to the 15th); they are checked with their senders
    monkeypatch.setattr("clinic.notify.digest.COLLECTORS", [])
    due = timezone.localdate() - timedelta(days=2)
    for number in (1, 2):
        remind(
            [person("coordinator")],
            subject=f"twice:{number}",
            template="cases.mediation_overdue",
            params={"due": day(due), "case": f"2024-{number}"},
            due=due,
        )
    assert run("clinic.notify.tasks.send_digests") == 1
    assert run("clinic.notify.tasks.send_digests") == 0
    digests = Notification.objects.filter(key__startswith="digest:")
    assert [(n.user.username, n.params["n"], n.params["new"]) for n in digests] == [
        ("coordinator", 2, 2)
    ]


@twice("clinic.tasks.drain_outbox")
def _each_message_sent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[int] = []
    monkeypatch.setattr(outbox, "_publish", lambda message: published.append(message.pk))
    waiting = [
        OutboxMessage.objects.create(task="clinic.tasks.send_notification_email", args=[n])
        for n in (1, 2)
    ]
    assert run("clinic.tasks.drain_outbox") == 2
    assert run("clinic.tasks.drain_outbox") == 0
    assert published == [m.pk for m in waiting]


@twice("scheduling.tasks.send_roster_reminders")
def _shift_reminded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    tomorrow = session(starts_at=at(days=1))
    do_book_seat(seat(tomorrow, "judge"), person=person("judge"), actor=person("judge"))
    assert run("scheduling.tasks.send_roster_reminders") == 1
    assert run("scheduling.tasks.send_roster_reminders") == 0
    assert Notification.objects.filter(user__username="judge").count() == 1


@twice("cases.tasks.render_case_file")
def _case_file_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[int] = []
    render = papers.render_case_file

    def counted(*args: Any, **kwargs: Any) -> bytes:
        renders.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(papers, "render_case_file", counted)
    job = DocumentJob.objects.create(case=in_state(State.SIT_IN), requested_by=person("mediator"))
    run("cases.tasks.render_case_file", str(job.pk))
    job.refresh_from_db()
    done = (job.status, job.file.name, job.finished_at)
    run("cases.tasks.render_case_file", str(job.pk))
    job.refresh_from_db()
    assert renders == [1] and done[0] == JobStatus.DONE
    assert (job.status, job.file.name, job.finished_at) == done


@twice("cases.tasks.export_cases")
def _export_written_once(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[int] = []
    write = exports.cases_csv

    def counted(cases: Any) -> Any:
        writes.append(1)
        return write(cases)

    monkeypatch.setattr(exports, "cases_csv", counted)
    in_state(State.SIT_IN)
    today = timezone.localdate()
    job = ExportJob.objects.create(
        requested_by=person("coordinator"),
        scope=f"community:{Community.objects.get(name='金江路社区').pk}",
        period=f"{today.replace(day=1)}_{today}",
    )
    run("cases.tasks.export_cases", str(job.pk))
    job.refresh_from_db()
    done = (job.status, job.rows, job.file.name, job.finished_at)
    run("cases.tasks.export_cases", str(job.pk))
    job.refresh_from_db()
    assert writes == [1] and done[0] == JobStatus.DONE and done[1] == 1
    assert (job.status, job.rows, job.file.name, job.finished_at) == done


@twice("cases.tasks.expire_jobs")
def _late_job_failed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    job = DocumentJob.objects.create(case=in_state(State.SIT_IN), requested_by=person("mediator"))
    with time_machine.travel(job.created_at + timedelta(minutes=11)):
        assert run("cases.tasks.expire_jobs") == 1
        job.refresh_from_db()
        failed = (job.status, job.error, job.finished_at)
        assert run("cases.tasks.expire_jobs") == 0
    job.refresh_from_db()
    assert failed[0] == JobStatus.FAILED
    assert (job.status, job.error, job.finished_at) == failed


# --- Every task has its check, and each check passes -----------------------------------------


def project_tasks() -> set[str]:
    for app in ("clinic", "cases", "scheduling"):
        importlib.import_module(f"{app}.tasks")
    return {name for name in celery_app.tasks if name.startswith(PROJECT)}


def test_every_project_task_has_a_run_twice_check() -> None:
    assert project_tasks() == set(TWICE)


@pytest.mark.parametrize("name", sorted(TWICE))
def test_a_task_run_twice_does_its_work_once(
    demo: None, name: str, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    TWICE[name](monkeypatch)
