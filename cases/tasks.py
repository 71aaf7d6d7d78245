"""Celery tasks of the cases app: thin wrappers around actions. A job acts as nobody
(``actor=None``): its events show as the system's.

Every task may run twice (the outbox sends again a task not finished after ten minutes; a
worker lost mid-task has it delivered again) and does its work once: reminders are keyed by
day, a job is claimed once (``cases.jobs.run_job``). ``tests/test_tasks_idempotent.py`` runs
each twice. The case file and the export stop at their job's time limit."""

from __future__ import annotations

from celery import shared_task

from cases.documents.actions import do_render_case_file
from cases.jobs import expire_jobs as _expire_jobs
from cases.models import DocumentJob, ExportJob
from cases.statistics.actions import do_export_cases, do_send_report_reminders

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


@shared_task
def send_report_reminders() -> int:
    """Daily: committees whose last month's report is not filed (around its due day), and the
    street officers of reports waiting for their review."""
    return do_send_report_reminders(actor=None)
