"""Roster suggestion: read only until the coordinator accepts; then every kept (seat, person) is
booked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from clinic.models import Clinic, Membership, User
from scheduling import access
from scheduling.actions.bookings import BookingRefused, do_book_seat, notify_booked, notify_duty
from scheduling.actions.commitments import Clash, busy_periods
from scheduling.actions.sessions import month_bounds, roster_settings
from scheduling.choices import ROSTER_ROLES, SEAT_ACCEPTS, BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession, Seat

if TYPE_CHECKING:
    from scheduling.solver import Candidate, Suggestion


@dataclass(frozen=True)
class RosterSuggestion:
    """The solver's ``result`` and what it was worked out for: the open seats and the people
    by id, and the candidates (who serves which clinics in which seat roles)."""

    result: Suggestion
    seats: dict[int, Seat]
    people: dict[int, User]
    candidates: list[Candidate]


@transaction.atomic
def do_accept_suggestion(
    assignments: Iterable[tuple[Seat, User]], *, actor: User
) -> tuple[int, list[str]]:
    """Book every proposed (seat, person) the coordinator kept; each that can no longer be
    booked is reported, the others stand. Each person booked is told once, with the list of
    their sessions; the communities' groups hear who is on duty at them, once."""
    booked: dict[int, list[Booking]] = {}
    people: dict[int, User] = {}
    problems = []
    for seat, person in assignments:
        try:
            with transaction.atomic():
                booking = do_book_seat(seat, person=person, actor=actor, tell_group=False)
        except (BookingRefused, Clash) as refused:
            problems.append(f"{seat}: {refused.message}")
            continue
        booked.setdefault(person.pk, []).append(booking)
        people[person.pk] = person
    for person_id, bookings in booked.items():
        bookings.sort(key=lambda b: b.seat.session.starts_at)
        notify_booked(people[person_id], bookings, actor=actor)
    notify_duty(booking.seat.session for bookings in booked.values() for booking in bookings)
    return sum(len(b) for b in booked.values()), problems


def suggestion_for(
    clinics: list[Clinic],
    *,
    year: int,
    month: int,
    seconds: float = 10.0,
    deterministic: bool = False,
) -> RosterSuggestion:
    """Propose professionals for the open seats of these clinics' published and draft sessions
    in a month (see ``scheduling.solver``; ``deterministic`` for a repeatable run)."""
    # heavy: OR-Tools takes ~0.7 s to load; only this page and the demo seed solve
    from scheduling.solver import Candidate, SeatSlot, suggest  # noqa: PLC0415

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
    cancelled: dict[int, set[int]] = {}
    for person_id, seat_id in Booking.objects.filter(
        seat__in=open_seats, status=BookingStatus.CANCELLED
    ).values_list("person", "seat"):
        cancelled.setdefault(person_id, set()).add(seat_id)
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
                cancelled=frozenset(cancelled.get(person_id, ())),
            )
        )
    seat_slots.sort(key=lambda seat: seat.seat_id)
    candidates.sort(key=lambda candidate: candidate.person_id)
    return RosterSuggestion(
        result=suggest(seat_slots, candidates, seconds=seconds, deterministic=deterministic),
        seats={seat.pk: seat for seat in open_seats},
        people={pid: entry["user"] for pid, entry in people.items()},
        candidates=candidates,
    )
