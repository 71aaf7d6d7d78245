"""A clinic's sessions: roster settings, weekly patterns, sessions created, generated for a
month, published and cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.actions import do_notify
from clinic.models import Clinic, Holiday, User
from scheduling.actions.bookings import Claim, end_booking
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession, RosterSettings, Seat, WeeklyPattern


def roster_settings(clinic: Clinic) -> RosterSettings:
    settings, _ = RosterSettings.objects.get_or_create(clinic=clinic)
    return settings


@transaction.atomic
def do_save_settings(clinic: Clinic, *, data: dict[str, Any]) -> RosterSettings:
    settings = roster_settings(clinic)
    for field, value in data.items():
        setattr(settings, field, value)
    settings.save()
    return settings


@transaction.atomic
def do_save_pattern(
    clinic: Clinic, *, data: dict[str, Any], pattern: WeeklyPattern | None = None
) -> WeeklyPattern:
    pattern = pattern or WeeklyPattern(clinic=clinic)
    for field, value in data.items():
        setattr(pattern, field, value)
    pattern.save()
    return pattern


def _add_seats(session: ClinicSession) -> None:
    for role, count in roster_settings(session.clinic).seats():
        for index in range(1, count + 1):
            Seat.objects.get_or_create(session=session, role=role, index=index)


@transaction.atomic
def do_create_session(
    clinic: Clinic,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    kind: str,
    note: str = "",
    pattern: WeeklyPattern | None = None,
    status: str = SessionStatus.DRAFT,
) -> ClinicSession:
    session = ClinicSession.objects.create(
        clinic=clinic,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        kind=kind,
        note=note,
        pattern=pattern,
        status=status,
    )
    _add_seats(session)
    return session


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


@transaction.atomic
def do_generate_sessions(clinic: Clinic, *, year: int, month: int) -> int:
    """Sessions of a month from the clinic's weekly patterns, as drafts: public holidays are
    skipped, a make-up working day follows the weekday it replaces. Generating twice creates
    nothing twice."""
    calendar = Holiday.objects.calendar()
    patterns = list(WeeklyPattern.objects.filter(clinic=clinic, active=True))
    existing = set(
        ClinicSession.objects.filter(
            clinic=clinic, starts_at__year=year, starts_at__month=month
        ).values_list("starts_at", flat=True)
    )
    created = 0
    for day in month_days(year, month):
        weekday = calendar.timetable_weekday(day)
        for pattern in patterns:
            if pattern.weekday != weekday:
                continue
            starts_at = timezone.make_aware(datetime.combine(day, pattern.starts))
            if starts_at in existing:
                continue
            do_create_session(
                clinic,
                starts_at=starts_at,
                ends_at=timezone.make_aware(datetime.combine(day, pattern.ends)),
                place=pattern.place or clinic.address,
                kind=pattern.kind,
                pattern=pattern,
            )
            existing.add(starts_at)
            created += 1
    return created


@transaction.atomic
def do_publish_sessions(sessions: Iterable[ClinicSession]) -> int:
    ids = [s.pk for s in sessions]
    return ClinicSession.objects.filter(pk__in=ids, status=SessionStatus.DRAFT).update(
        status=SessionStatus.PUBLISHED, row_version=F("row_version") + 1
    )


@transaction.atomic
def do_cancel_session(
    session: ClinicSession, *, actor: User, reason: str, claim: Claim | None = None
) -> int:
    """Cancel a session: its bookings end and those booked are told. With the ``claim`` of
    the form sent, a session changed since the page showed it raises ``Stale``."""
    if claim is not None:
        claim(session)
    updated = (
        ClinicSession.objects.filter(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .update(status=SessionStatus.CANCELLED, note=reason[:200], row_version=F("row_version") + 1)
    )
    if not updated:
        return 0
    bookings = list(
        Booking.objects.filter(seat__session=session, status=BookingStatus.ACTIVE).select_related(
            "person", "commitment"
        )
    )
    for booking in bookings:
        end_booking(booking, status=BookingStatus.CANCELLED, reason=reason)
    do_notify(
        [b.person for b in bookings],
        key=f"session:{session.pk}:cancelled",
        title=_("Clinic session cancelled: %(session)s") % {"session": session},
        body=reason,
        url=session.get_absolute_url(),
    )
    return len(bookings)
