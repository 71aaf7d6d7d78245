"""Races on PostgreSQL: the exclusion constraint and the seat's unique booking decide."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connections

from scheduling import actions
from scheduling.models import Booking, Commitment
from tests.scheduling.factories import at, seat, session, user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def _race(work: Any) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def world() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())


def test_eight_overlapping_bookings_for_one_judge_leave_exactly_one(world: None) -> None:
    sessions = [
        session(slug="jinjianglu" if i % 2 else "beichen", starts_at=at(hour=9, minute=i))
        for i in range(THREADS)
    ]
    seats = [seat(s, "judge") for s in sessions]

    def book(i: int) -> Any:
        return actions.do_book_seat(seats[i], person=user("judge"), actor=user("judge"))

    results = _race(book)
    assert sum(isinstance(r, Booking) for r in results) == 1
    assert all(isinstance(r, Booking | actions.Clash) for r in results), results
    assert Booking.objects.filter(status="active").count() == 1
    assert Commitment.objects.active().count() == 1


def test_eight_people_racing_for_one_seat_leave_one_booking(world: None) -> None:
    shift = session()
    target = seat(shift, "lawyer")
    people = ["lawyer", "mediator"] * 4

    def book(i: int) -> Any:
        return actions.do_book_seat(target, person=user(people[i]), actor=user(people[i]))

    results = _race(book)
    assert Booking.objects.filter(seat=target, status="active").count() == 1
    assert sum(isinstance(r, Booking) for r in results) == 1
