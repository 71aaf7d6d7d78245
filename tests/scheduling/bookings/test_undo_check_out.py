"""A check-out made by mistake can be taken back for ten minutes, by the person or the
coordinator, and the audit log says who did."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from django.urls import reverse

from clinic.models import AuditEntry
from scheduling.actions.bookings import do_book_seat, do_check_in, do_check_out
from scheduling.models import Booking
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, seen, session, user


def _after(booking: Booking, minutes: int) -> datetime:
    assert booking.checked_out_at is not None
    return booking.checked_out_at + timedelta(minutes=minutes)


def _checked_out() -> Booking:
    shift = session(starts_at=at(days=1, hour=9))
    booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    with time_machine.travel(shift.starts_at, tick=False):
        do_check_in(booking)
        do_check_out(booking)
    return Booking.objects.get(pk=booking.pk)


def test_the_person_undoes_a_check_out_made_right_after_checking_in(demo: None) -> None:
    booking = _checked_out()
    with time_machine.travel(_after(booking, 9), tick=False):
        page = client_for("judge").get(booking.seat.session.get_absolute_url()).content.decode()
        assert reverse("scheduling:undo_check_out", args=[booking.pk]) in page
        response = client_for("judge").post(
            reverse("scheduling:undo_check_out", args=[booking.pk]), seen(booking)
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.checked_in_at and booking.checked_out_at is None and booking.attendance == ""
    entry = AuditEntry.objects.get(event="check_out_undone")
    assert entry.user == user("judge") and entry.object_id == str(booking.pk)


def test_the_coordinator_undoes_it_too(demo: None) -> None:
    booking = _checked_out()
    with time_machine.travel(_after(booking, 2), tick=False):
        response = client_for("coordinator").post(
            reverse("scheduling:undo_check_out", args=[booking.pk]), seen(booking)
        )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).checked_out_at is None
    assert AuditEntry.objects.get(event="check_out_undone").user == user("coordinator")


def test_after_ten_minutes_the_check_out_stands(demo: None) -> None:
    booking = _checked_out()
    with time_machine.travel(_after(booking, 11), tick=False):
        response = client_for("judge").post(reverse("scheduling:undo_check_out", args=[booking.pk]))
    assert response.status_code == 400
    assert "10 分钟" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).checked_out_at is not None
    assert not AuditEntry.objects.filter(event="check_out_undone").exists()


def test_a_colleague_cannot_undo_it(demo: None) -> None:
    booking = _checked_out()
    with time_machine.travel(_after(booking, 1), tick=False):
        response = client_for("lawyer").post(
            reverse("scheduling:undo_check_out", args=[booking.pk])
        )
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking.pk).checked_out_at is not None
