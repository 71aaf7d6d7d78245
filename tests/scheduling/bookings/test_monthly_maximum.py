"""The clinic's most shifts per person a month holds for self-booking too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scheduling.actions.bookings import BookingRefused, do_book_seat
from scheduling.actions.sessions import do_save_settings
from scheduling.models import Booking
from tests.conftest import client_for
from tests.scheduling.factories import at, clinic, seat, seen, session, user


def test_a_professional_cannot_book_beyond_the_monthly_maximum(demo: None) -> None:
    do_save_settings(clinic(), data={"max_shifts": 1})
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    do_book_seat(seat(morning, "judge"), person=user("judge"), actor=user("judge"))
    response = client_for("judge").post(
        reverse("scheduling:book_seat", args=[seat(afternoon, "judge").pk])
    )
    assert response.status_code == 400
    assert "本月已有 1 个班次" in response.content.decode()
    assert Booking.objects.filter(person=user("judge")).count() == 1


def test_the_maximum_counts_only_active_bookings_of_that_month(demo: None) -> None:
    do_save_settings(clinic(), data={"max_shifts": 1})
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    first = do_book_seat(seat(morning, "judge"), person=user("judge"), actor=user("judge"))
    with pytest.raises(BookingRefused):
        do_book_seat(seat(afternoon, "judge"), person=user("judge"), actor=user("judge"))
    client_for("judge").post(
        reverse("scheduling:cancel_booking", args=[first.pk]), {"reason": "有事", **seen(first)}
    )
    do_book_seat(seat(afternoon, "judge"), person=user("judge"), actor=user("judge"))
