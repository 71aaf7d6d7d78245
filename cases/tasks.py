"""Celery tasks of the cases app: thin wrappers around actions."""

from __future__ import annotations

from celery import shared_task

from cases.mediation.actions import do_send_case_reminders


@shared_task
def send_case_reminders() -> int:
    """Daily: cases due within 3 days and overdue ones, to their mediators and coordinators."""
    return do_send_case_reminders()


@shared_task
def send_followup_reminders() -> int:
    """Daily: follow-ups due within 3 days to their assignee, overdue ones to coordinators."""
    from cases.follow_ups.actions import do_send_followup_reminders

    return do_send_followup_reminders()


@shared_task
def render_case_file(job_id: str) -> None:
    """Render a bound case file (卷宗) in the background."""
    from cases.documents.actions import do_render_case_file

    do_render_case_file(job_id)


@shared_task
def export_cases(job_id: str) -> None:
    """Write a large case-level export in the background."""
    from cases.statistics.actions import do_export_cases

    do_export_cases(job_id)
