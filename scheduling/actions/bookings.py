"""Seats and who holds them: booking, cancelling, swapping, checking in and attendance, the
seats that reopen when a role ends, and the reminders of shifts and uncovered seats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.actions import do_notify
from clinic.audit import record
from clinic.choices import AuditEvent, Role
from clinic.lib.versions import bump
from clinic.models import Clinic, Membership, User
from scheduling import access
from scheduling.actions.commitments import do_book_commitment, lock_calendars
from scheduling.choices import SEAT_ACCEPTS, BookingStatus, CommitmentKind, SessionStatus
from scheduling.models import Booking, ClinicSession, Commitment, RosterSettings, Seat

#: The audit event of a check-out taken back.
#: How long after checking out the person or the coordinator can take it back.
UNDO_CHECK_OUT = timedelta(minutes=10)


#: A form's ``claim`` (``clinic.lib.versions.RowVersionForm.claim``): the seat, session or
#: leave must still be as the page showed it, else ``Stale``.
Claim = Callable[[Any], None]


class BookingRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def coordinators_of(clinic: Clinic) -> QuerySet[User]:
    """The active coordinators of a clinic's community: they hear of its roster's gaps."""
    held = Membership.objects.active().filter(community=clinic.community, role=Role.COORDINATOR)
    return User.objects.filter(pk__in=held.values("user_id"), is_active=True)


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The local calendar month a moment falls in, as aware datetimes."""
    local = timezone.localtime(moment)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(following.replace(tzinfo=None))


def check_monthly_maximum(person: User, session: ClinicSession) -> None:
    """The clinic's most shifts per person a month holds for every booking, the person's own
    included: ``BookingRefused`` when it is reached."""
    limits = RosterSettings.objects.filter(clinic=session.clinic_id).first()
    maximum = limits.max_shifts if limits is not None else RosterSettings().max_shifts
    start, end = month_of(session.starts_at)
    taken = Booking.objects.filter(
        person=person,
        status=BookingStatus.ACTIVE,
        seat__session__starts_at__gte=start,
        seat__session__starts_at__lt=end,
    ).count()
    if taken >= maximum:
        raise BookingRefused(
            _(
                "%(person)s already has %(taken)d shifts this month; this clinic allows at most "
                "%(maximum)d a month."
            )
            % {"person": person, "taken": taken, "maximum": maximum}
        )


def free_people_for(seat: Seat) -> list[User]:
    """Who the coordinator can put into this seat: active professionals of a role it accepts
    who serve its clinic, are free at its time and below their monthly maximum, and have not
    cancelled it themselves."""
    session = seat.session
    held = (
        Membership.objects.active()
        .filter(role__in=SEAT_ACCEPTS[seat.role], user__is_active=True)
        .select_related("user", "community", "street", "district")
    )
    people = {m.user_id: m.user for m in held if access.role_for_seat([m], seat) is not None}
    busy = set(
        Commitment.objects.busy(list(people), session.starts_at, session.ends_at).values_list(
            "person", flat=True
        )
    )
    cancelled = set(
        Booking.objects.filter(seat=seat, status=BookingStatus.CANCELLED).values_list(
            "person", flat=True
        )
    )
    limits = RosterSettings.objects.filter(clinic=session.clinic_id).first()
    maximum = limits.max_shifts if limits is not None else RosterSettings().max_shifts
    start, end = month_of(session.starts_at)
    full = {
        row["person"]
        for row in Booking.objects.filter(
            person__in=list(people),
            status=BookingStatus.ACTIVE,
            seat__session__starts_at__gte=start,
            seat__session__starts_at__lt=end,
        )
        .values("person")
        .annotate(n=Count("pk"))
        if row["n"] >= maximum
    }
    return sorted(
        (p for pk, p in people.items() if pk not in busy | cancelled | full),
        key=lambda p: (p.display_name, p.pk),
    )


def touch_seat(seat_id: int) -> None:
    """A seat's booking changed without a form: the seat's open forms are stale now."""
    Seat.objects.filter(pk=seat_id).update(row_version=F("row_version") + 1)


def end_booking(booking: Booking, *, status: str, reason: str = "") -> None:
    Booking.objects.filter(pk=booking.pk).update(
        status=status, cancelled_at=timezone.now(), cancel_reason=reason[:200]
    )
    touch_seat(booking.seat_id)
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
    lock_calendars([person])  # the count below and the booking, one person at a time
    check_monthly_maximum(person, session)
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
            booking = Booking.objects.create(
                seat=seat, person=person, role=role, commitment=commitment, booked_by=actor
            )
    except IntegrityError as error:
        raise BookingRefused(_("Someone else has just taken this seat.")) from error
    touch_seat(seat.pk)
    return booking


@transaction.atomic
def do_cancel_booking(
    booking: Booking, *, actor: User, reason: str, claim: Claim | None = None
) -> None:
    """End a booking; with the ``claim`` of the form sent, a seat changed since the page
    showed it raises ``Stale``."""
    if claim is not None:
        claim(booking.seat)
    booking.refresh_from_db(fields=["status"])
    if booking.status != BookingStatus.ACTIVE:
        raise BookingRefused(_("This booking has already ended."))
    end_booking(booking, status=BookingStatus.CANCELLED, reason=reason)
    session = booking.seat.session
    if actor.pk != booking.person_id:
        do_notify(
            [booking.person],
            key=f"booking:{booking.pk}:cancelled",
            title=_("Your shift was cancelled: %(session)s") % {"session": session},
            body=reason,
            url=session.get_absolute_url(),
        )
    else:
        do_notify(
            coordinators_of(session.clinic),
            key=f"booking:{booking.pk}:cancelled-by-holder",
            title=_("%(person)s cancelled their shift: %(session)s")
            % {"person": booking.person, "session": session},
            body=reason,
            url=session.get_absolute_url(),
        )


def notify_booked(person: User, bookings: list[Booking], *, actor: User) -> None:
    """Tell a person the coordinator booked them: one notice listing every session."""
    if not bookings or person.pk == actor.pk:
        return
    sessions = [booking.seat.session for booking in bookings]
    lines = [
        _("%(session)s, %(role)s") % {"session": s, "role": b.seat.get_role_display()}
        for s, b in zip(sessions, bookings, strict=True)
    ]
    do_notify(
        [person],
        key=f"booking:{bookings[0].pk}:booked-for",
        title=_("%(actor)s booked you for %(n)d shifts") % {"actor": actor, "n": len(bookings)}
        if len(bookings) > 1
        else _("%(actor)s booked you for a shift: %(session)s")
        % {"actor": actor, "session": sessions[0]},
        body="\n".join(lines),
        url=reverse("scheduling:my_roster")
        if len(bookings) > 1
        else sessions[0].get_absolute_url(),
    )


@transaction.atomic
def do_assign_seat(seat: Seat, *, person: User, actor: User, claim: Claim | None = None) -> Booking:
    """The coordinator puts a professional into an empty seat; the professional is told.
    With the ``claim`` of the form sent, a seat taken or changed since the page showed it
    raises ``Stale``."""
    if claim is not None:
        claim(seat)
    booking = do_book_seat(seat, person=person, actor=actor)
    notify_booked(person, [booking], actor=actor)
    return booking


@transaction.atomic
def do_offer_swap(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk, status=BookingStatus.ACTIVE).update(
        swap_offered_at=timezone.now()
    )
    touch_seat(booking.seat_id)


@transaction.atomic
def do_withdraw_swap(booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk).update(swap_offered_at=None)
    touch_seat(booking.seat_id)


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
    end_booking(
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
        end_booking(booking, status=BookingStatus.CANCELLED, reason=_("The role ended"))
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


@transaction.atomic
def do_check_in(booking: Booking, *, claim: Claim | None = None) -> None:
    (claim or bump)(booking.seat)
    Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )


@transaction.atomic
def do_check_out(booking: Booking, *, claim: Claim | None = None) -> None:
    (claim or bump)(booking.seat)
    Booking.objects.filter(
        pk=booking.pk, checked_in_at__isnull=False, checked_out_at__isnull=True
    ).update(checked_out_at=timezone.now(), attendance="present")


def check_undo_check_out(booking: Booking) -> None:
    """A check-out can be taken back for ``UNDO_CHECK_OUT`` after it, not later."""
    if booking.checked_out_at is None:
        raise BookingRefused(_("This shift has not been checked out."))
    if timezone.now() - booking.checked_out_at > UNDO_CHECK_OUT:
        raise BookingRefused(
            _("A check-out can be undone only within %(minutes)d minutes.")
            % {"minutes": UNDO_CHECK_OUT.seconds // 60}
        )


@transaction.atomic
def do_undo_check_out(
    booking: Booking,
    *,
    actor: User,
    claim: Claim | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Back to checked in: the check-out and the attendance it set are cleared, and the audit
    log records who took it back. With the ``claim`` of the form sent, a seat changed since
    the page showed it raises ``Stale``."""
    (claim or bump)(booking.seat)
    updated = Booking.objects.filter(pk=booking.pk, checked_out_at=booking.checked_out_at).update(
        checked_out_at=None, attendance=""
    )
    if updated:
        record(
            AuditEvent.CHECK_OUT_UNDONE,
            request=request,
            user=actor,
            obj=booking,
            detail={
                "checked_out_at": booking.checked_out_at.isoformat()
                if booking.checked_out_at
                else ""
            },
        )


@transaction.atomic
def do_mark_attendance(booking: Booking, *, attendance: str, claim: Claim | None = None) -> None:
    """The coordinator marks attendance; with the ``claim`` of the form sent, a seat changed
    since the page showed it (someone else marked it, the holder checked out) raises
    ``Stale``."""
    (claim or bump)(booking.seat)
    Booking.objects.filter(pk=booking.pk).update(attendance=attendance)


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
