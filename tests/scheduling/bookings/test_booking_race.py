"""Races on PostgreSQL: the exclusion constraint and the seat's unique booking decide.

Each race: 8 threads released together, repeated 50 times on fresh sessions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from clinic.models import Clinic
from scheduling.actions.bookings import BookingRefused, do_book_seat
from scheduling.actions.commitments import Clash
from scheduling.actions.sessions import do_save_settings
from scheduling.models import Booking, Commitment, Seat
from tests.races import REPEATS, THREADS, of_type, race
from tests.scheduling.factories import at, seat, session, user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    # fifty rounds on fifty days: the monthly maximum must not be what refuses
    for place in Clinic.objects.all():
        do_save_settings(place, data={"max_shifts": 31})


def test_eight_overlapping_bookings_for_one_judge_leave_exactly_one(world: None) -> None:
    judge = user("judge")
    for round_ in range(REPEATS):
        # Eight sessions of two clinics, each overlapping the others, on a day of their own.
        sessions = [
            session(
                slug="jinjianglu" if i % 2 else "beichen",
                starts_at=at(days=3 + round_, hour=9, minute=i),
            )
            for i in range(THREADS)
        ]
        seats = [seat(s, "judge") for s in sessions]

        def book(i: int, seats: list[Seat] = seats) -> Booking:
            return do_book_seat(seats[i], person=judge, actor=judge)

        results = race(book)
        assert len(of_type(results, Booking)) == 1, (round_, results)
        clashes = of_type(results, Clash)
        assert len(clashes) == THREADS - 1, (round_, results)
        # The losers are told who is taken, not shown a database error.
        assert all(str(judge) in c.message for c in clashes), clashes[0].message
    assert Booking.objects.filter(status="active").count() == REPEATS
    assert Commitment.objects.active().filter(person=judge).count() == REPEATS


def test_eight_people_racing_for_one_seat_leave_one_booking(world: None) -> None:
    people = [user(name) for name in ["lawyer", "mediator"] * (THREADS // 2)]
    for round_ in range(REPEATS):
        target = seat(session(starts_at=at(days=3 + round_)), "lawyer")

        def book(i: int, target: Seat = target) -> Booking:
            return do_book_seat(target, person=people[i], actor=people[i])

        results = race(book)
        assert len(of_type(results, Booking)) == 1, (round_, results)
        refused = of_type(results, (BookingRefused, Clash))
        assert len(refused) == THREADS - 1, (round_, results)
        assert Booking.objects.filter(seat=target, status="active").count() == 1
    assert Commitment.objects.active().count() == REPEATS
