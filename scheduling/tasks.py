"""Celery tasks of the roster: thin wrappers around actions. Each may run twice and does its
work once (reminders are keyed: a second run sends nothing new)."""

from __future__ import annotations

from celery import shared_task

from scheduling.actions.bookings import do_send_roster_reminders


@shared_task
def send_roster_reminders() -> int:
    """Daily: tomorrow's shifts to their professionals, uncovered seats a week ahead to the
    coordinator."""
    return do_send_roster_reminders()
