from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.actions import do_end_role
from clinic.models import Membership, Notification
from scheduling.actions.bookings import BookingRefused, do_book_seat
from scheduling.actions.commitments import Clash, do_book_commitment
from scheduling.actions.leave import do_record_leave
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, Commitment
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, seen, session, user


def test_a_judge_books_an_open_judge_seat_of_a_clinic_they_serve(demo: None) -> None:
    shift = session()
    response = client_for("judge").post(
        reverse("scheduling:book_seat", args=[seat(shift, "judge").pk])
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.person.username, booking.role, booking.status) == ("judge", "judge", "active")
    assert Commitment.objects.active().get(person=booking.person).starts_at == shift.starts_at


def test_a_mediator_takes_the_lawyer_or_mediator_seat(demo: None) -> None:
    shift = session()
    booking = do_book_seat(seat(shift, "lawyer"), person=user("mediator"), actor=user("mediator"))
    assert booking.role == "mediator"


@pytest.mark.parametrize(
    ("username", "role", "slug"),
    [
        ("judge", "police", "jinjianglu"),  # wrong role
        ("police", "police", "jinse"),  # a clinic he does not serve
        ("judge_donghua", "judge", "jinjianglu"),  # another street's judge
        ("gridworker", "lawyer", "jinjianglu"),  # not a professional
    ],
)
def test_seats_of_another_role_or_clinic_are_refused(
    demo: None, username: str, role: str, slug: str
) -> None:
    shift = session(slug=slug)
    with pytest.raises(BookingRefused):
        do_book_seat(seat(shift, role), person=user(username), actor=user(username))
    assert not Booking.objects.exists() and not Commitment.objects.exists()


def test_nobody_is_in_two_places_at_once_across_clinics(demo: None) -> None:
    morning = session(slug="jinjianglu", starts_at=at(hour=9))
    overlapping = session(slug="beichen", starts_at=at(hour=10))
    do_book_seat(seat(morning, "judge"), person=user("judge"), actor=user("judge"))
    response = client_for("judge").post(
        reverse("scheduling:book_seat", args=[seat(overlapping, "judge").pk])
    )
    assert response.status_code == 400
    assert "已有安排" in response.content.decode()
    assert Booking.objects.count() == 1


def test_back_to_back_shifts_do_not_clash(demo: None) -> None:
    first = session(slug="jinjianglu", starts_at=at(hour=9), hours=2)
    second = session(slug="beichen", starts_at=at(hour=11), hours=2)
    for shift in (first, second):
        do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 2


def test_leave_blocks_booking(demo: None) -> None:
    shift = session(starts_at=at(days=5))
    do_record_leave(
        user("judge"),
        starts_at=at(days=4, hour=0),
        ends_at=at(days=6, hour=0),
        reason="出差",
    )
    with pytest.raises(Clash):
        do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))


def test_a_draft_or_past_session_cannot_be_booked(demo: None) -> None:
    draft = session(status=SessionStatus.DRAFT)
    with pytest.raises(BookingRefused):
        do_book_seat(seat(draft, "judge"), person=user("judge"), actor=user("judge"))
    past = session(starts_at=at(days=-1))
    with pytest.raises(BookingRefused):
        do_book_seat(seat(past, "judge"), person=user("judge"), actor=user("judge"))


def test_a_taken_seat_cannot_be_taken_twice(demo: None) -> None:
    shift = session()
    do_book_seat(seat(shift, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    with pytest.raises(BookingRefused):
        do_book_seat(seat(shift, "lawyer"), person=user("mediator"), actor=user("mediator"))


def test_cancelling_frees_the_seat_and_the_time(demo: None) -> None:
    shift = session()
    booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    response = client_for("judge").post(
        reverse("scheduling:cancel_booking", args=[booking.pk]),
        {"reason": "临时开庭", **seen(booking)},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancel_reason == "临时开庭"
    assert not Commitment.objects.active().exists()
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))


def test_a_swap_goes_only_to_someone_of_the_same_role(demo: None) -> None:
    shift = session()
    booking = do_book_seat(seat(shift, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    client_for("lawyer").post(reverse("scheduling:offer_swap", args=[booking.pk]))
    refused = client_for("police").post(
        reverse("scheduling:take_swap", args=[booking.pk]), follow=True
    )
    assert Booking.objects.get(pk=booking.pk).status == "active"
    assert refused.status_code == 200
    client_for("mediator").post(reverse("scheduling:take_swap", args=[booking.pk]))
    assert Booking.objects.get(pk=booking.pk).status == "swapped"
    taken = Booking.objects.get(status="active")
    assert (taken.person.username, taken.role, taken.seat_id) == (
        "mediator",
        "mediator",
        booking.seat_id,
    )
    assert Commitment.objects.active().get().person.username == "mediator"


def test_cancelling_a_session_tells_those_booked(demo: None) -> None:
    shift = session()
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    response = client_for("coordinator").post(
        reverse("scheduling:cancel_session", args=[shift.pk]), {"reason": "场地维修", **seen(shift)}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user__username="judge").exists()
    assert not Booking.objects.filter(status="active").exists()


def test_the_end_before_the_start_is_refused(demo: None) -> None:
    with pytest.raises(Clash):
        do_book_commitment(
            user("judge"), starts_at=at(hour=10), ends_at=at(hour=9), kind="visit", title="x"
        )


def test_ending_a_role_reopens_the_future_seats_and_tells_the_coordinator(demo: None) -> None:
    future = session(starts_at=at(days=10))
    booking = do_book_seat(seat(future, "police"), person=user("police"), actor=user("police"))
    membership = Membership.objects.get(user__username="police")
    do_end_role(membership, actor=user("coordinator"), reason="调离")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Notification.objects.filter(user__username="coordinator", key__contains="released")


def test_overlap_window_is_half_open(demo: None) -> None:
    start = at(hour=9)
    do_book_commitment(
        user("judge"), starts_at=start, ends_at=start + timedelta(hours=1), kind="visit", title="a"
    )
    do_book_commitment(
        user("judge"),
        starts_at=start + timedelta(hours=1),
        ends_at=start + timedelta(hours=2),
        kind="visit",
        title="b",
    )
    assert Commitment.objects.active().count() == 2
