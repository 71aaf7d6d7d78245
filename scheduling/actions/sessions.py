"""A clinic's sessions: roster settings, weekly patterns, sessions created, generated for a
month, published and cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clinic.models import Clinic, Holiday, User
from clinic.notify.dispatch import notify
from scheduling.actions.bookings import Claim, about, end_booking, notify_duty
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
    """A session with its seats; one published at once is told to the community's groups."""
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
    if status == SessionStatus.PUBLISHED:
        notify_duty([session])
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
    """Publish the drafts among ``sessions``: open for booking, on the duty board, and told
    to the communities' groups (one message per clinic)."""
    drafts = list(
        ClinicSession.objects.select_for_update()
        .filter(pk__in=[s.pk for s in sessions], status=SessionStatus.DRAFT)
        .values_list("pk", flat=True)
    )
    published = ClinicSession.objects.filter(pk__in=drafts).update(
        status=SessionStatus.PUBLISHED, row_version=F("row_version") + 1
    )
    notify_duty(ClinicSession.objects.filter(pk__in=drafts).only("pk", "clinic"))
    return published


@transaction.atomic
def do_cancel_session(
    session: ClinicSession, *, actor: User, reason: str, claim: Claim | None = None
) -> int:
    """Cancel a session: its bookings end and those booked are told, and the community's
    groups if it was published. With the ``claim`` of the form sent, a session changed since
    the page showed it raises ``Stale``."""
    if claim is not None:
        claim(session)
    was_published = ClinicSession.objects.filter(
        pk=session.pk, status=SessionStatus.PUBLISHED
    ).exists()
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
    notify(
        "scheduling.session_cancelled",
        {**about(session), "reason": reason[:200]},
        [b.person for b in bookings],
        key=f"session:{session.pk}:cancelled",
        url=session.get_absolute_url(),
    )
    if was_published:
        notify_duty([session])
    return len(bookings)
