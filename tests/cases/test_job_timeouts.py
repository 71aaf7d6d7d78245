"""A background job times out: the case file 10 minutes after it was asked for, an export
after 30. Its task lost (a broker restarted without persistence) or stuck, the job is failed
with the reason, its page says "failed, try again" and offers the button, and a task arriving
late does not start it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import tasks
from cases.choices import JobStatus
from cases.documents import papers
from cases.models import DocumentJob, ExportJob
from clinic.celery import app as celery_app
from clinic.models import Community
from tests.cases.factories import in_state
from tests.conftest import client_for, person

POLLING = 'hx-trigger="every 2s"'


def _case_file() -> DocumentJob:
    return DocumentJob.objects.create(case=in_state("sit_in"), requested_by=person("mediator"))


def _export() -> ExportJob:
    own = Community.objects.get(name="金江路社区")
    today = timezone.localdate()
    return ExportJob.objects.create(
        requested_by=person("coordinator"),
        scope=f"community:{own.pk}",
        period=f"{today.replace(day=1)}_{today}",
    )


def test_a_case_file_whose_task_was_lost_fails_after_10_minutes_and_says_try_again(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    job = _case_file()  # its task never arrives
    with time_machine.travel(job.created_at + timedelta(minutes=9, seconds=50)):
        assert tasks.expire_jobs() == 0
    with time_machine.travel(job.created_at + timedelta(minutes=10, seconds=10)):
        assert celery_app.tasks["cases.tasks.expire_jobs"].apply().get() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None

    client = client_for("mediator")
    body = client.get(reverse("cases:document_job", args=[job.pk])).content.decode()
    assert POLLING not in body
    assert "卷宗生成失败，请重试" in body
    assert "超时：10 分钟内未完成。" in body  # the reason
    again = reverse("cases:request_case_file", args=[job.case_id])
    assert f'action="{again}"' in body and "重试</button>" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again)
    retried = DocumentJob.objects.exclude(pk=job.pk).get(case=job.case)
    assert response["Location"] == reverse("cases:document_job", args=[retried.pk])
    assert retried.status == JobStatus.DONE


def test_the_page_itself_fails_a_late_job_without_waiting_for_the_sweep(demo: None) -> None:
    job = _case_file()
    url = reverse("cases:document_job", args=[job.pk])
    with time_machine.travel(job.created_at + timedelta(minutes=11)):
        body = client_for("mediator").get(url, headers={"HX-Request": "true"}).content.decode()
    assert POLLING not in body and "10 分钟内未完成" in body


def test_an_export_may_run_30_minutes_then_fails_and_offers_to_try_again(demo: None) -> None:
    job = _export()
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    for minutes in (9, 18, 27):  # it keeps saying how far it is
        with time_machine.travel(job.created_at + timedelta(minutes=minutes)):
            ExportJob.objects.filter(pk=job.pk).update(heard_at=timezone.now())
            assert tasks.expire_jobs() == 0
    with time_machine.travel(job.created_at + timedelta(minutes=30, seconds=10)):
        out = io.StringIO()
        call_command("expire_jobs", stdout=out)  # what cron runs where beat does not
    assert out.getvalue().startswith("1 ")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "30 分钟内未完成" in job.error

    body = client_for("coordinator").get(reverse("cases:export_job", args=[job.pk]))
    text = body.content.decode()
    assert "导出失败，请重试" in text and "30 分钟内未完成" in text
    first, last = job.period.split("_")
    assert f"first={first}&amp;last={last}" in text and 'value="csv"' in text


def test_a_task_that_arrives_after_its_job_timed_out_does_not_start_it(demo: None) -> None:
    job = _case_file()
    with time_machine.travel(job.created_at + timedelta(minutes=12)):
        tasks.render_case_file(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file and job.started_at is None
    assert "10 分钟内未完成" in job.error


def test_a_task_stopped_at_its_time_limit_fails_its_job_with_the_reason(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless(*args: Any, **kwargs: Any) -> bytes:
        raise SoftTimeLimitExceeded()  # what the worker raises in the task at its time limit

    monkeypatch.setattr(papers, "render_case_file", endless)
    job = _case_file()
    with pytest.raises(SoftTimeLimitExceeded):
        tasks.render_case_file(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "10 分钟内未完成" in job.error


def test_each_job_task_is_stopped_by_the_worker_at_its_jobs_time_limit() -> None:
    case_file = celery_app.tasks["cases.tasks.render_case_file"]
    export = celery_app.tasks["cases.tasks.export_cases"]
    assert case_file.soft_time_limit == DocumentJob.timeout.total_seconds() == 600
    assert export.soft_time_limit == ExportJob.timeout.total_seconds() == 1800
    assert case_file.time_limit > case_file.soft_time_limit
    assert export.time_limit > export.soft_time_limit
