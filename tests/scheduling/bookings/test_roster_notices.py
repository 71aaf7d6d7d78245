"""Who is told what when the coordinator books people, and when a professional cancels."""

from __future__ import annotations

from django.urls import reverse

from clinic.models import Notification
from scheduling.actions.bookings import do_book_seat, do_cancel_booking
from scheduling.actions.suggestions import do_accept_suggestion
from scheduling.models import Booking
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, seen, session, user


def test_the_coordinator_assigns_a_free_professional_to_an_empty_seat_who_is_told(
    demo: None,
) -> None:
    shift = session()
    judge_seat = seat(shift, "judge")
    client = client_for("coordinator")
    detail = client.get(shift.get_absolute_url()).content.decode()
    assert reverse("scheduling:assign_seat", args=[judge_seat.pk]) in detail
    form = client.get(reverse("scheduling:assign_seat", args=[judge_seat.pk]))
    assert form.status_code == 200 and "王志刚" in form.content.decode()
    response = client.post(
        reverse("scheduling:assign_seat", args=[judge_seat.pk]),
        {"person": user("judge").pk, **seen(judge_seat)},
    )
    assert response.status_code == 302
    booking = Booking.objects.get(seat=judge_seat, status="active")
    assert booking.person == user("judge") and booking.booked_by == user("coordinator")
    notice = Notification.objects.get(user=user("judge"))
    assert "李秀英" in notice.title and notice.url == shift.get_absolute_url()


def test_assigning_someone_of_another_role_or_busy_is_refused_and_books_nothing(
    demo: None,
) -> None:
    shift = session()
    other = session(slug="beichen", starts_at=shift.starts_at)
    do_book_seat(seat(other, "judge"), person=user("judge"), actor=user("judge"))
    url = reverse("scheduling:assign_seat", args=[seat(shift, "judge").pk])
    client = client_for("coordinator")
    assert "王志刚" not in client.get(url).content.decode()  # busy elsewhere then
    for person in (user("judge"), user("police"), "x"):
        value = person if isinstance(person, str) else person.pk
        assert client.post(url, {"person": value}).status_code == 400
    assert not Booking.objects.filter(seat__session=shift).exists()
    assert not Notification.objects.filter(user=user("judge")).exists()


def test_only_the_clinics_roster_managers_assign(demo: None) -> None:
    url = reverse("scheduling:assign_seat", args=[seat(session(), "judge").pk])
    assert client_for("judge").get(url).status_code == 403
    assert client_for("coordinator_jinse").get(url).status_code == 404


def test_an_applied_suggestion_tells_each_person_once_with_all_their_sessions(
    demo: None,
) -> None:
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    booked, problems = do_accept_suggestion(
        [
            (seat(morning, "judge"), user("judge")),
            (seat(afternoon, "judge"), user("judge")),
            (seat(morning, "lawyer"), user("lawyer")),
        ],
        actor=user("coordinator"),
    )
    assert (booked, problems) == (3, [])
    judge_notices = Notification.objects.filter(user=user("judge"))
    assert judge_notices.count() == 1
    body = judge_notices.get().body
    assert str(morning) in body and str(afternoon) in body
    assert Notification.objects.filter(user=user("lawyer")).count() == 1
    assert not Notification.objects.filter(user=user("coordinator")).exists()


def test_booking_oneself_tells_nobody(demo: None) -> None:
    do_book_seat(seat(session(), "judge"), person=user("judge"), actor=user("judge"))
    assert not Notification.objects.exists()


def test_a_professionals_own_cancellation_tells_the_coordinator_at_once(demo: None) -> None:
    shift = session()
    booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    response = client_for("judge").post(
        reverse("scheduling:cancel_booking", args=[booking.pk]), {"reason": "开庭", **seen(booking)}
    )
    assert response.status_code == 302
    notice = Notification.objects.get(user=user("coordinator"))
    assert "王志刚" in notice.title and notice.body == "开庭"
    assert notice.url == shift.get_absolute_url()
    assert not Notification.objects.filter(user=user("coordinator_jinse")).exists()
    assert not Notification.objects.filter(user=user("judge")).exists()


def test_the_coordinators_cancellation_tells_the_professional_not_the_coordinator(
    demo: None,
) -> None:
    booking = do_book_seat(seat(session(), "judge"), person=user("judge"), actor=user("judge"))
    do_cancel_booking(booking, actor=user("coordinator"), reason="调整")
    assert Notification.objects.filter(user=user("judge")).count() == 1
    assert not Notification.objects.filter(user=user("coordinator")).exists()
