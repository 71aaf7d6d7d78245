"""Who is told what when the coordinator books people, and when a professional cancels."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clinic.models import Delivery, Notification, User
from clinic.notify import backends
from scheduling.actions.bookings import do_assign_seat, do_book_seat, do_cancel_booking
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


# --- Channels and languages --------------------------------------------------------------


def _texts() -> list[backends.Message]:
    return [message for message in backends.SENT if message.channel == "sms"]


def test_the_person_booked_is_texted_who_booked_them_and_when(
    demo: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLINIC_SMS_BACKEND = "memory"
    backends.clear()
    shift = session(starts_at=at(days=3, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_seat(seat(shift, "judge"), person=user("judge"), actor=user("coordinator"))
    day = timezone.localtime(shift.starts_at)
    [text] = _texts()
    assert text.address == user("judge").phone
    assert text.params == {
        "actor": "李秀英",
        "n": "1",
        "when": f"{day.year}年{day.month}月{day.day}日 09:00",
    }


def test_a_person_booked_for_several_shifts_reads_the_count_and_each_session_and_role(
    demo: None,
) -> None:
    User.objects.filter(username__in=["judge", "lawyer"]).update(language="en")
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    do_accept_suggestion(
        [
            (seat(morning, "judge"), user("judge")),
            (seat(afternoon, "judge"), user("judge")),
            (seat(morning, "lawyer"), user("lawyer")),
        ],
        actor=user("coordinator"),
    )
    judge = Notification.objects.get(user=user("judge"))
    assert judge.title == "李秀英 booked you for 2 shifts"
    assert judge.body == f"{morning}, Judge\n{afternoon}, Judge"
    assert judge.url == reverse("scheduling:my_roster")
    lawyer = Notification.objects.get(user=user("lawyer"))
    assert lawyer.title == f"李秀英 booked you for a shift: {morning}"
    assert lawyer.body == f"{morning}, Lawyer or mediator"


def test_a_chinese_reader_booked_for_several_shifts_reads_the_count(demo: None) -> None:
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    do_accept_suggestion(
        [(seat(morning, "judge"), user("judge")), (seat(afternoon, "judge"), user("judge"))],
        actor=user("coordinator"),
    )
    judge = Notification.objects.get(user=user("judge"))
    assert judge.title == "李秀英 为您安排了 2 个值班"
    assert judge.body == f"{morning}，法官\n{afternoon}，法官"


def _notes(page: str) -> list[str]:
    return re.findall(r'<p class="msg msg-warning" role="note">([^<]*)</p>', page)


def test_without_sms_the_coordinator_is_asked_to_phone_the_person_booked(
    demo: None, settings: Any
) -> None:
    shift = session()
    judge_seat = seat(shift, "judge")
    url = reverse("scheduling:assign_seat", args=[judge_seat.pk])
    client = client_for("coordinator")
    settings.CLINIC_SMS_BACKEND = "memory"
    assert not _notes(client.get(url).content.decode())
    settings.CLINIC_SMS_BACKEND = "none"
    assert len(_notes(client.get(url).content.decode())) == 1
    response = client.post(url, {"person": user("judge").pk, **seen(judge_seat)}, follow=True)
    assert response.status_code == 200
    [warning] = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert "王志刚" in str(warning)
    assert not Delivery.objects.filter(channel="sms").exists()  # and none was queued
