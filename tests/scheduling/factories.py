"""Keyword-only factories for the roster, through the actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from clinic.models import Clinic, User
from scheduling.actions.sessions import do_create_session
from scheduling.choices import SessionKind, SessionStatus
from scheduling.models import ClinicSession, Seat


def clinic(slug: str = "jinjianglu") -> Clinic:
    return Clinic.objects.select_related("community__street").get(slug=slug)


def user(username: str) -> User:
    return User.objects.get(username=username)


def at(days: int = 3, hour: int = 9, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def session(
    *,
    slug: str = "jinjianglu",
    starts_at: datetime | None = None,
    hours: float = 2.5,
    status: str = SessionStatus.PUBLISHED,
) -> ClinicSession:
    starts_at = starts_at or at()
    return do_create_session(
        clinic(slug),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        place="调解室",
        kind=SessionKind.REGULAR,
        status=status,
    )


def seat(of: ClinicSession, role: str) -> Seat:
    return of.seats.filter(role=role).order_by("index")[0]
