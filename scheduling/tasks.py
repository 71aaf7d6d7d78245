"""Celery tasks of the roster: thin wrappers around actions."""

from __future__ import annotations

from celery import shared_task

from scheduling.actions.bookings import do_send_roster_reminders


@shared_task
def send_roster_reminders() -> int:
    return do_send_roster_reminders()
