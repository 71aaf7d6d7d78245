"""Celery tasks of the cases app: thin wrappers around actions. A job acts as nobody
(``actor=None``): its events show as the system's."""

from __future__ import annotations

from celery import shared_task

from cases.documents.actions import do_render_case_file
from cases.follow_ups.actions import do_send_followup_reminders
from cases.mediation.actions import do_send_case_reminders
from cases.statistics.actions import do_export_cases


@shared_task
def send_case_reminders() -> int:
    """Daily: cases due within 3 days and overdue ones, to their mediators and coordinators."""
    return do_send_case_reminders(actor=None)


@shared_task
def send_followup_reminders() -> int:
    """Daily: follow-ups due within 3 days to their assignee, overdue ones to coordinators."""
    return do_send_followup_reminders(actor=None)


@shared_task
def render_case_file(job_id: str) -> None:
    """Render a bound case file (卷宗) in the background."""
    do_render_case_file(job_id, actor=None)


@shared_task
def export_cases(job_id: str) -> None:
    """Write a large case-level export in the background."""
    do_export_cases(job_id, actor=None)
