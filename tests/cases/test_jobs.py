"""Background jobs (the bound case file, the large export): one runner, so a job that fails
says so and its page stops polling; a job whose worker went silent is failed as timed out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.choices import JobStatus
from cases.jobs import SILENCE_LIMIT, run_job
from cases.models import DocumentJob, ExportJob
from cases.statistics import exports
from clinic.models import Community
from tests.cases.factories import in_state
from tests.conftest import client_for, person

POLLING = 'hx-trigger="every 2s"'


def _request_export(client, django_capture_on_commit_callbacks) -> str:
    own = Community.objects.get(name="金江路社区")
    query = f"?scope=community:{own.pk}&period={timezone.localdate():%Y-%m}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_export") + query)
    return response["Location"]


def test_an_export_that_raises_is_failed_with_its_message_and_its_page_stops_polling(
    demo: None, django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    in_state("sit_in")

    def broken(cases):
        raise RuntimeError("disk full")
        yield  # pragma: no cover - a generator, like the real one

    monkeypatch.setattr(exports, "cases_csv", broken)
    client = client_for("coordinator")
    with pytest.raises(RuntimeError):
        _request_export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "disk full"
    assert job.finished_at is not None
    page = client.get(reverse("cases:export_job", args=[job.pk]), headers={"HX-Request": "true"})
    body = page.content.decode()
    assert POLLING not in body
    assert "导出失败" in body and "disk full" in body


def test_a_running_job_silent_too_long_is_failed_as_timed_out_when_its_page_is_opened(
    demo: None, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = in_state("sit_in")
    job = DocumentJob.objects.create(case=case, requested_by=person("mediator"))
    started = timezone.now()
    DocumentJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=started, heard_at=started
    )
    client = client_for("mediator")
    url = reverse("cases:document_job", args=[job.pk])
    with time_machine.travel(started + SILENCE_LIMIT - timedelta(seconds=30)):
        assert POLLING in client.get(url).content.decode()
    with time_machine.travel(started + SILENCE_LIMIT + timedelta(seconds=30)):
        body = client.get(url).content.decode()
    assert POLLING not in body
    assert "卷宗生成失败" in body
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "10" in job.error


def test_a_job_is_claimed_once_and_its_progress_is_recorded(demo: None) -> None:
    case = in_state("sit_in")
    job = DocumentJob.objects.create(case=case, requested_by=person("mediator"))
    seen: list[int] = []

    def work(claimed: DocumentJob, progress) -> dict:
        progress(40)
        seen.append(DocumentJob.objects.get(pk=claimed.pk).progress)
        return {"kind": "casefile"}

    run_job(DocumentJob, str(job.pk), work)
    run_job(DocumentJob, str(job.pk), work)
    job.refresh_from_db()
    assert seen == [40]
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.started_at is not None and job.finished_at is not None
