"""Keyword-only factories for the roster, through the actions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

from clinic.models import Clinic, User
from scheduling.actions.sessions import do_create_session
from scheduling.choices import SessionKind, SessionStatus
from scheduling.models import Booking, ClinicSession, Leave, Seat


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


def seen(record: ClinicSession | Seat | Booking | Leave) -> dict[str, int]:
    """The version a page of ``record`` carries now (a booking's is its seat's), for a form
    sent without the page."""
    if isinstance(record, Booking):
        return {"seen_version": Seat.objects.get(pk=record.seat_id).row_version}
    return {"seen_version": type(record).objects.get(pk=record.pk).row_version}


def hidden(page: str, action: str = "") -> dict[str, str]:
    """The version a page's form carries (``seen_version``, ``seen_values``), as a browser
    would send it: of the form posting to ``action``, or of the page's only such form."""
    if action:
        start = page.index(f'action="{action}"')
        page = page[start : page.index("</form>", start)]
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)"', page))
