"""Every change to the roster and to people's time: one ``do_*`` function each, in a
transaction. ``do_book_commitment`` and ``busy_periods`` are what the cases app uses for home
visits, meetings and follow-up visits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.actions import do_notify
from clinic.choices import Role
from clinic.models import Clinic, Holiday, Membership, User
from scheduling import access
from scheduling.choices import BookingStatus, CommitmentKind, SessionStatus
from scheduling.models import (
    Booking,
    ClinicSession,
    Commitment,
    FeedToken,
    Leave,
    RosterSettings,
    Seat,
    WeeklyPattern,
)


class Clash(Exception):
    """The person is already committed at that time."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BookingRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- Commitments: the single rule that nobody is in two places at once ----------------------


def busy_periods(
    people: Iterable[User], starts_at: datetime, ends_at: datetime
) -> dict[int, list[Commitment]]:
    """The free/busy query: each person's active commitments overlapping the period."""
    found: dict[int, list[Commitment]] = {p.pk: [] for p in people}
    for commitment in Commitment.objects.busy(list(found), starts_at, ends_at).order_by(
        "starts_at"
    ):
        found.setdefault(commitment.person_id, []).append(commitment)
    return found


#: First key of the advisory locks that serialise changes to one person's calendar.
CALENDAR_LOCK = 0x5C4ED


def lock_calendars(people: Iterable[User]) -> None:
    """Hold the calendars of these people until the transaction ends, always in id order, so
    that two actions booking the same people wait for each other instead of deadlocking in
    the exclusion constraint. PostgreSQL only: SQLite's immediate transactions already
    serialise writers."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for pk in sorted({person.pk for person in people}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CALENDAR_LOCK, pk])


@transaction.atomic
def do_book_commitment(
    person: User,
    *,
    starts_at: datetime,
    ends_at: datetime,
    kind: str,
    title: str,
    place: str = "",
) -> Commitment:
    """Take a person's time, or raise ``Clash``. On PostgreSQL the exclusion constraint decides
    races; on SQLite the immediate transaction serialises the check and the insert."""
    if ends_at <= starts_at:
        raise Clash(_("The end must be after the start."))
    lock_calendars([person])
    clash = (
        Commitment.objects.active().filter(person=person).overlapping(starts_at, ends_at).first()
    )
    if clash is not None:
        raise Clash(_clash_message(person, clash))
    try:
        with transaction.atomic():
            return Commitment.objects.create(
                person=person,
                starts_at=starts_at,
                ends_at=ends_at,
                kind=kind,
                title=title[:200],
                place=place[:200],
            )
    except IntegrityError as error:
        raise Clash(
            _("%(person)s was booked for that time by someone else a moment ago.")
            % {"person": person}
        ) from error


def _clash_message(person: User, clash: Commitment) -> str:
    return _("%(person)s is already busy from %(start)s to %(end)s (%(what)s).") % {
        "person": person,
        "start": _local(clash.starts_at),
        "end": _local(clash.ends_at),
        "what": clash.get_kind_display(),
    }


def do_release_commitment(commitment: Commitment) -> None:
    Commitment.objects.filter(pk=commitment.pk).update(active=False)


# --- Settings, patterns, sessions -----------------------------------------------------------


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
        status=SessionStatus.PUBLISHED
    )


@transaction.atomic
def do_cancel_session(session: ClinicSession, *, actor: User, reason: str) -> int:
    """Cancel a session: its bookings end and those booked are told."""
    updated = (
        ClinicSession.objects.filter(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .update(status=SessionStatus.CANCELLED, note=reason[:200])
    )
    if not updated:
        return 0
    bookings = list(
        Booking.objects.filter(seat__session=session, status=BookingStatus.ACTIVE).select_related(
            "person", "commitment"
        )
    )
    for booking in bookings:
        _end_booking(booking, status=BookingStatus.CANCELLED, reason=reason)
    do_notify(
        [b.person for b in bookings],
        key=f"session:{session.pk}:cancelled",
        title=_("Clinic session cancelled: %(session)s") % {"session": session},
        body=reason,
        url=session.get_absolute_url(),
    )
    return len(bookings)


# --- Bookings -------------------------------------------------------------------------------


def _end_booking(booking: Booking, *, status: str, reason: str = "") -> None:
    Booking.objects.filter(pk=booking.pk).update(
        status=status, cancelled_at=timezone.now(), cancel_reason=reason[:200]
    )
    if booking.commitment_id:
        Commitment.objects.filter(pk=booking.commitment_id).update(active=False)


@transaction.atomic
def do_book_seat(seat: Seat, *, person: User, actor: User) -> Booking:
    """A professional takes an open seat of their own role in a clinic they serve."""
    seat = (
        Seat.objects.select_for_update()
        .select_related("session__clinic__community")
        .get(pk=seat.pk)
    )
    session = seat.session
    if session.status != SessionStatus.PUBLISHED:
        raise BookingRefused(_("This session is not open for booking."))
    if session.starts_at <= timezone.now():
        raise BookingRefused(_("This session has already begun."))
    role = access.booking_role(person, seat)
    if role is None:
        raise BookingRefused(
            _("%(person)s does not serve this clinic in the role of this seat.")
            % {"person": person}
        )
    if Booking.objects.filter(seat=seat, status=BookingStatus.ACTIVE).exists():
        raise BookingRefused(_("Someone else has just taken this seat."))
    commitment = do_book_commitment(
        person,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        kind=CommitmentKind.SHIFT,
        title=_("Clinic shift at %(clinic)s") % {"clinic": session.clinic.name},
        place=session.place,
    )
    try:
        with transaction.atomic():
            return Booking.objects.create(
                seat=seat, person=person, role=role, commitment=commitment, booked_by=actor
            )
    except IntegrityError as error:
        raise BookingRefused(_("Someone else has just taken this seat.")) from error


@transaction.atomic
def do_cancel_booking(booking: Booking, *, actor: User, reason: str) -> None:
    if booking.status != BookingStatus.ACTIVE:
        raise BookingRefused(_("This booking has already ended."))
    _end_booking(booking, status=BookingStatus.CANCELLED, reason=reason)
    session = booking.seat.session
    if actor.pk != booking.person_id:
        do_notify(
            [booking.person],
            key=f"booking:{booking.pk}:cancelled",
            title=_("Your shift was cancelled: %(session)s") % {"session": session},
            body=reason,
            url=session.get_absolute_url(),
        )


@transaction.atomic
def do_offer_swap(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk, status=BookingStatus.ACTIVE).update(
        swap_offered_at=timezone.now()
    )


@transaction.atomic
def do_withdraw_swap(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk).update(swap_offered_at=None)


@transaction.atomic
def do_accept_swap(booking: Booking, *, person: User) -> Booking:
    """Another professional of the same role takes over an offered shift."""
    locked = (
        Booking.objects.select_for_update()
        .select_related("seat__session__clinic")
        .get(pk=booking.pk)
    )
    if locked.status != BookingStatus.ACTIVE or locked.swap_offered_at is None:
        raise BookingRefused(_("This shift is no longer offered."))
    if locked.person_id == person.pk:
        raise BookingRefused(_("You cannot take over your own shift."))
    if access.booking_role(person, locked.seat) is None:
        raise BookingRefused(
            _("Only a professional of the same role serving this clinic can take it.")
        )
    _end_booking(
        locked,
        status=BookingStatus.SWAPPED,
        reason=_("Taken over by %(person)s") % {"person": person},
    )
    taken = do_book_seat(locked.seat, person=person, actor=person)
    do_notify(
        [locked.person],
        key=f"booking:{locked.pk}:swapped",
        title=_("%(person)s took over your shift %(session)s")
        % {"person": person, "session": locked.seat.session},
        url=locked.seat.session.get_absolute_url(),
    )
    return taken


@transaction.atomic
def do_release_future_bookings(membership: Membership, *, actor: User | None = None) -> int:
    """Someone's role ended: their future seats in that region reopen and the clinics'
    coordinators are told (the hook ``on_role_ended`` of this app)."""
    if membership.role not in {
        Role.JUDGE,
        Role.PROSECUTOR,
        Role.POLICE,
        Role.LAWYER,
        Role.MEDIATOR,
    }:
        return 0
    person = membership.user
    still = Membership.objects.active().filter(user=person).exclude(pk=membership.pk)
    released = 0
    future = Booking.objects.filter(
        person=person, status=BookingStatus.ACTIVE, seat__session__starts_at__gt=timezone.now()
    ).select_related("seat__session__clinic__community__street")
    for booking in future:
        if access.role_for_seat(list(still), booking.seat) is not None:
            continue
        _end_booking(booking, status=BookingStatus.CANCELLED, reason=_("The role ended"))
        released += 1
        clinic = booking.seat.session.clinic
        coordinators = Membership.objects.active().filter(
            community=clinic.community, role=Role.COORDINATOR
        )
        do_notify(
            User.objects.filter(pk__in=coordinators.values("user_id")),
            key=f"booking:{booking.pk}:released",
            title=_("A seat reopened: %(person)s left; %(session)s")
            % {"person": person, "session": booking.seat.session},
            url=booking.seat.session.get_absolute_url(),
        )
    return released


# --- Leave ----------------------------------------------------------------------------------


@transaction.atomic
def do_record_leave(person: User, *, starts_at: datetime, ends_at: datetime, reason: str) -> Leave:
    commitment = do_book_commitment(
        person, starts_at=starts_at, ends_at=ends_at, kind=CommitmentKind.LEAVE, title=_("Leave")
    )
    return Leave.objects.create(
        person=person, starts_at=starts_at, ends_at=ends_at, reason=reason, commitment=commitment
    )


@transaction.atomic
def do_cancel_leave(leave: Leave) -> None:
    Commitment.objects.filter(pk=leave.commitment_id).update(active=False)
    leave.delete()


# --- Attendance -----------------------------------------------------------------------------


@transaction.atomic
def do_check_in(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )


@transaction.atomic
def do_check_out(booking: Booking) -> None:
    Booking.objects.filter(
        pk=booking.pk, checked_in_at__isnull=False, checked_out_at__isnull=True
    ).update(checked_out_at=timezone.now(), attendance="present")


@transaction.atomic
def do_mark_attendance(booking: Booking, *, attendance: str) -> None:
    Booking.objects.filter(pk=booking.pk).update(attendance=attendance)


# --- Suggestions ----------------------------------------------------------------------------


@transaction.atomic
def do_accept_suggestion(
    assignments: Iterable[tuple[Seat, User]], *, actor: User
) -> tuple[int, list[str]]:
    """Book every proposed (seat, person) the coordinator kept; each that can no longer be
    booked is reported, the others stand."""
    booked, problems = 0, []
    for seat, person in assignments:
        try:
            with transaction.atomic():
                do_book_seat(seat, person=person, actor=actor)
            booked += 1
        except (BookingRefused, Clash) as refused:
            problems.append(f"{seat}: {refused.message}")
    return booked, problems


# --- Feeds ----------------------------------------------------------------------------------


@transaction.atomic
def do_renew_feed_token(person: User) -> FeedToken:
    """Issue a new private feed key; the old address stops working."""
    FeedToken.objects.filter(person=person).delete()
    return FeedToken.objects.create(person=person)


def feed_token(person: User) -> FeedToken:
    token, _ = FeedToken.objects.get_or_create(person=person)
    return token


# --- Reminders ------------------------------------------------------------------------------


def do_send_roster_reminders(today: date | None = None) -> int:
    """Reminders are written in the site's language (a worker has no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _do_send_roster_reminders(today)


def _do_send_roster_reminders(today: date | None = None) -> int:
    """The day before a shift its professional is reminded; seven days ahead the coordinator
    hears of uncovered seats. Keys make a second run send nothing new."""
    today = today or timezone.localdate()
    sent = 0
    tomorrow = today + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    bookings = Booking.objects.filter(
        status=BookingStatus.ACTIVE,
        seat__session__status=SessionStatus.PUBLISHED,
        seat__session__starts_at__gte=start,
        seat__session__starts_at__lt=start + timedelta(days=1),
    ).select_related("person", "seat__session__clinic")
    for booking in bookings:
        session = booking.seat.session
        with transaction.atomic():
            sent += len(
                do_notify(
                    [booking.person],
                    key=f"booking:{booking.pk}:reminder",
                    title=_("Tomorrow you are on duty: %(session)s") % {"session": session},
                    body=session.place,
                    url=session.get_absolute_url(),
                )
            )
    week = today + timedelta(days=7)
    start = timezone.make_aware(datetime.combine(week, time.min))
    sessions = (
        ClinicSession.objects.published()
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .with_seats()
    )
    for session in sessions:
        open_seats = [seat for seat in session.seats.all() if seat.holder is None]
        if not open_seats:
            continue
        coordinators = Membership.objects.active().filter(
            community=session.clinic.community, role=Role.COORDINATOR
        )
        with transaction.atomic():
            sent += len(
                do_notify(
                    User.objects.filter(pk__in=coordinators.values("user_id"), is_active=True),
                    key=f"session:{session.pk}:uncovered",
                    title=_("%(n)d seats uncovered in a week: %(session)s")
                    % {"n": len(open_seats), "session": session},
                    body="、".join(str(seat.get_role_display()) for seat in open_seats),
                    url=session.get_absolute_url(),
                )
            )
    return sent


# --- Roster suggestion (read only: nothing is booked until the coordinator accepts) ---------


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def suggestion_for(
    clinics: list[Clinic],
    *,
    year: int,
    month: int,
    seconds: float = 10.0,
    deterministic: bool = False,
) -> Any:
    """Propose professionals for the open seats of these clinics' published and draft sessions
    in a month (see ``scheduling.solver``; ``deterministic`` for a repeatable run). Returns the
    solver's ``Suggestion`` with the seats and people it used."""
    from scheduling.choices import ROSTER_ROLES, SEAT_ACCEPTS
    from scheduling.solver import Candidate, SeatSlot, suggest

    start, end = month_bounds(year, month)
    sessions = list(
        ClinicSession.objects.filter(
            clinic__in=clinics,
            starts_at__gte=max(start, timezone.now()),
            starts_at__lt=end,
        )
        .exclude(status=SessionStatus.CANCELLED)
        .with_seats()
    )
    open_seats = [seat for session in sessions for seat in session.seats.all() if not seat.holder]
    seat_slots = [
        SeatSlot(
            seat.pk, seat.session.clinic_id, seat.role, seat.session.starts_at, seat.session.ends_at
        )
        for seat in open_seats
    ]
    clinic_by_id = {c.pk: c for c in clinics}
    members = (
        Membership.objects.active()
        .filter(role__in=ROSTER_ROLES, user__is_active=True)
        .select_related("user")
    )
    people: dict[int, dict[str, Any]] = {}
    for m in members:
        served = {c.pk for c in clinics if access._covers(m, c)}
        if not served:
            continue
        entry = people.setdefault(m.user_id, {"user": m.user, "roles": set(), "clinics": set()})
        entry["roles"].update(seat for seat, accepts in SEAT_ACCEPTS.items() if m.role in accepts)
        entry["clinics"].update(served)
    busy = busy_periods([p["user"] for p in people.values()], start, end)
    booked = {
        row["person"]: row["n"]
        for row in Booking.objects.filter(
            person__in=list(people),
            status=BookingStatus.ACTIVE,
            seat__session__starts_at__gte=start,
            seat__session__starts_at__lt=end,
        )
        .values("person")
        .annotate(n=models.Count("pk"))
    }
    candidates = []
    for person_id, entry in people.items():
        limits = [roster_settings(clinic_by_id[c]) for c in entry["clinics"]]
        maximum = max(s.max_shifts for s in limits)
        minimum_hours = max(float(s.minimum_hours) for s in limits)
        candidates.append(
            Candidate(
                person_id=person_id,
                seat_roles=frozenset(entry["roles"]),
                clinics=frozenset(entry["clinics"]),
                busy=tuple((c.starts_at, c.ends_at) for c in busy.get(person_id, [])),
                already=booked.get(person_id, 0),
                minimum=int(-(-minimum_hours // 2.5)),  # shifts of 2.5 hours to reach it
                maximum=maximum,
            )
        )
    seat_slots.sort(key=lambda seat: seat.seat_id)
    candidates.sort(key=lambda candidate: candidate.person_id)
    result = suggest(seat_slots, candidates, seconds=seconds, deterministic=deterministic)
    result.seats = {seat.pk: seat for seat in open_seats}
    result.people = {pid: entry["user"] for pid, entry in people.items()}
    result.candidates = candidates
    return result
