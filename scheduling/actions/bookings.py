"""Seats and who holds them: booking, cancelling, swapping, checking in and attendance, the
seats that reopen when a role ends, and the reminders of shifts and uncovered seats."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clinic.audit import record
from clinic.choices import AuditEvent, Role
from clinic.lib.versions import bump
from clinic.models import Clinic, Membership, User
from clinic.notify import backends
from clinic.notify.dispatch import notify, notify_group
from clinic.notify.notices import Encoded, lines, moment, ref, text
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


def about(session: ClinicSession) -> dict[str, Encoded]:
    """A notice's parameters naming a session: as it reads (``session``), and its clinic and
    start for a template SMS."""
    return {
        "session": ref(session),
        "clinic": ref(session.clinic),
        "when": moment(session.starts_at),
    }


#: The most sessions one duty message lists (a group robot's message is at most 2 KB).
DUTY_LINES = 10


def notify_duty(sessions: Iterable[ClinicSession]) -> None:
    """Tell the groups of each clinic's community who is on duty at these sessions, when and
    where (those published, and those cancelled after they were; not those already over):
    one message per clinic, pointing to its public duty board."""
    listed = list(sessions)
    if not listed or not backends.robots_enabled():
        return
    grouped = Clinic.objects.filter(
        pk__in={session.clinic_id for session in listed}, community__group_robots__active=True
    ).values("pk")
    shown = (
        ClinicSession.objects.filter(
            pk__in=[session.pk for session in listed],
            clinic__in=grouped,
            ends_at__gt=timezone.now(),
        )
        .exclude(status=SessionStatus.DRAFT)
        .with_seats()
        .order_by("starts_at")
    )
    by_clinic: dict[int, list[ClinicSession]] = {}
    for session in shown:
        by_clinic.setdefault(session.clinic_id, []).append(session)
    for of_clinic in by_clinic.values():
        clinic = of_clinic[0].clinic
        duty = [_duty_line(session) for session in of_clinic[:DUTY_LINES]]
        if len(of_clinic) > DUTY_LINES:
            duty.append(text(gettext_noop("More on the duty board.")))
        notify_group(
            "scheduling.duty",
            {"clinic": ref(clinic), "sessions": lines(duty)},
            clinic.community,
            url=reverse("scheduling:duty_board", args=[clinic.slug]),
        )


def _duty_line(session: ClinicSession) -> Encoded:
    """When, where, and each seat's holder (or that it is to be arranged)."""
    if session.status == SessionStatus.CANCELLED:
        people: Encoded = text(gettext_noop("This session will not take place."))
    else:
        people = [
            text(
                gettext_noop("%(role)s %(person)s"),
                role=ref(seat, "role"),
                person=ref(seat.holder.person)
                if seat.holder
                else text(gettext_noop("to be arranged")),
            )
            for seat in session.seats.all()
        ]
    return text(
        gettext_noop("%(when)s, %(place)s: %(people)s"),
        when=moment(session.starts_at),
        place=session.place or session.clinic.address,
        people=people,
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
def do_book_seat(seat: Seat, *, person: User, actor: User, tell_group: bool = True) -> Booking:
    """A professional takes an open seat of their own role in a clinic they serve; the
    community's groups hear who is on duty then (``tell_group``: not when the caller tells
    them of several bookings at once)."""
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
    if tell_group:
        notify_duty([session])
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
        notify(
            "scheduling.booking_cancelled",
            {**about(session), "reason": reason},
            [booking.person],
            key=f"booking:{booking.pk}:cancelled",
            url=session.get_absolute_url(),
        )
    else:
        notify(
            "scheduling.booking_cancelled_by_holder",
            {**about(session), "person": ref(booking.person), "reason": reason},
            coordinators_of(session.clinic),
            key=f"booking:{booking.pk}:cancelled-by-holder",
            url=session.get_absolute_url(),
        )
    notify_duty([session])


def notify_booked(person: User, bookings: list[Booking], *, actor: User) -> None:
    """Tell a person the coordinator booked them: one notice listing every session."""
    if not bookings or person.pk == actor.pk:
        return
    sessions = [booking.seat.session for booking in bookings]
    listed = [
        text(
            gettext_noop("%(session)s, %(role)s"),
            session=ref(b.seat.session),
            role=ref(b.seat, "role"),
        )
        for b in bookings
    ]
    notify(
        "scheduling.booked",
        {
            **about(sessions[0]),
            "actor": ref(actor),
            "n": len(bookings),
            "sessions": lines(listed),
        },
        [person],
        key=f"booking:{bookings[0].pk}:booked-for",
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
    notify(
        "scheduling.swapped",
        {"person": ref(person), "session": ref(locked.seat.session)},
        [locked.person],
        key=f"booking:{locked.pk}:swapped",
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
    released: list[ClinicSession] = []
    future = Booking.objects.filter(
        person=person, status=BookingStatus.ACTIVE, seat__session__starts_at__gt=timezone.now()
    ).select_related("seat__session__clinic__community__street")
    for booking in future:
        if access.role_for_seat(list(still), booking.seat) is not None:
            continue
        end_booking(booking, status=BookingStatus.CANCELLED, reason=_("The role ended"))
        session = booking.seat.session
        released.append(session)
        coordinators = Membership.objects.active().filter(
            community=session.clinic.community, role=Role.COORDINATOR
        )
        notify(
            "scheduling.seat_reopened",
            {"person": ref(person), "session": ref(session)},
            User.objects.filter(pk__in=coordinators.values("user_id")),
            key=f"booking:{booking.pk}:released",
            url=session.get_absolute_url(),
        )
    notify_duty(released)
    return len(released)


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
                notify(
                    "scheduling.shift_tomorrow",
                    {"session": ref(session), "place": session.place},
                    [booking.person],
                    key=f"booking:{booking.pk}:reminder",
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
                notify(
                    "scheduling.seats_uncovered",
                    {
                        "n": len(open_seats),
                        "session": ref(session),
                        "roles": [ref(seat, "role") for seat in open_seats],
                    },
                    User.objects.filter(pk__in=coordinators.values("user_id"), is_active=True),
                    key=f"session:{session.pk}:uncovered",
                    url=session.get_absolute_url(),
                )
            )
    return sent
