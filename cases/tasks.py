"""Celery tasks of the cases app: thin wrappers around actions. A job acts as nobody
(``actor=None``): its events show as the system's.

Every task may run twice (the outbox sends again a task not finished after ten minutes; a
worker lost mid-task has it delivered again) and does its work once: a job is claimed once
(``cases.jobs.run_job``). ``tests/test_tasks_idempotent.py`` runs each twice. The case file
and the export stop at their job's time limit. The daily reminders are no tasks of their own:
the 08:00 digest (``clinic.notify.tasks.send_digests``) runs their collectors
(``cases/notices.py``)."""

from __future__ import annotations

from celery import shared_task

from cases.documents.actions import do_render_case_file
from cases.jobs import expire_jobs as _expire_jobs
from cases.models import DocumentJob, ExportJob
from cases.statistics.actions import do_export_cases

#: A job's task is stopped (SoftTimeLimitExceeded, the job failed as timed out) at the job's
#: time limit, and killed a minute later if it does not stop.
GRACE = 60


@shared_task(
    soft_time_limit=DocumentJob.timeout.total_seconds(),
    time_limit=DocumentJob.timeout.total_seconds() + GRACE,
)
def render_case_file(job_id: str) -> None:
    """Render a bound case file (卷宗) in the background."""
    do_render_case_file(job_id, actor=None)


@shared_task(
    soft_time_limit=ExportJob.timeout.total_seconds(),
    time_limit=ExportJob.timeout.total_seconds() + GRACE,
)
def export_cases(job_id: str) -> None:
    """Write a large case-level export in the background."""
    do_export_cases(job_id, actor=None)


@shared_task
def expire_jobs() -> int:
    """Every minute, from beat: fail the jobs past their time limit, with the reason."""
    return _expire_jobs()
