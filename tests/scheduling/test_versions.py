"""No lost update on the roster: a session, a seat (who holds it, their check-in and check-out,
their attendance) and a leave carry the version their page showed. Of two people changing one
at once the first wins; the second is answered 409 with what they sent and what the first
changed, and nothing of the first's change is lost. Invalid input is answered 400 with the
form and why."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from clinic.models import Notification
from scheduling.actions.bookings import do_book_seat, do_check_in
from scheduling.actions.leave import do_record_leave
from scheduling.choices import Attendance, BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession, Leave
from tests.conftest import client_for
from tests.scheduling.factories import at, hidden, seat, seen, session, user


def _booked(role: str = "judge", **kwargs: object) -> Booking:
    shift = session(**kwargs)  # type: ignore[arg-type]
    return do_book_seat(seat(shift, role), person=user(role), actor=user(role))


def test_two_coordinators_mark_attendance_at_once_the_second_sees_the_firsts(
    demo: None,
) -> None:
    booking = _booked()
    page = booking.seat.session.get_absolute_url()
    action = reverse("scheduling:mark_attendance", args=[booking.pk])
    first, second = client_for("coordinator"), client_for("street")
    first_sees = hidden(first.get(page).content.decode(), action)
    second_sees = hidden(second.get(page).content.decode(), action)

    assert first.post(action, {**first_sees, "attendance": "absent"}).status_code == 302
    lost = second.post(action, {**second_sees, "attendance": "present"})

    assert lost.status_code == 409
    shown = lost.content.decode()
    assert "出勤" in shown and "缺勤" in shown  # attendance, now: absent
    assert 'value="present" selected' in shown  # what they chose is kept
    assert Booking.objects.get(pk=booking.pk).attendance == Attendance.ABSENT
    # having read it, sending again overwrites knowingly
    again = second.post(action, {**hidden(shown), "attendance": "present"})
    assert again.status_code == 302
    assert Booking.objects.get(pk=booking.pk).attendance == Attendance.PRESENT


def test_a_check_in_made_since_the_page_was_shown_makes_its_attendance_form_stale(
    demo: None,
) -> None:
    booking = _booked(starts_at=at(days=1, hour=9))
    page = booking.seat.session.get_absolute_url()
    action = reverse("scheduling:mark_attendance", args=[booking.pk])
    coordinator = client_for("coordinator")
    sees = hidden(coordinator.get(page).content.decode(), action)
    with time_machine.travel(booking.seat.session.starts_at, tick=False):
        do_check_in(booking)  # on the judge's phone, without the coordinator's page

    lost = coordinator.post(action, {**sees, "attendance": "absent"})

    assert lost.status_code == 409
    assert "签到时间" in lost.content.decode()  # checked in, and when
    assert Booking.objects.get(pk=booking.pk).attendance == ""


def test_pressing_check_in_again_on_an_old_page_does_not_check_out(demo: None) -> None:
    booking = _booked(starts_at=at(days=1, hour=9))
    page = booking.seat.session.get_absolute_url()
    action = reverse("scheduling:check_in", args=[booking.pk])
    with time_machine.travel(booking.seat.session.starts_at, tick=False):
        judge = client_for("judge")
        tab_one = hidden(judge.get(page).content.decode(), action)
        tab_two = hidden(judge.get(page).content.decode(), action)
        assert judge.post(action, tab_one).status_code == 302
        lost = judge.post(action, tab_two)

    assert lost.status_code == 409
    assert "签到时间" in lost.content.decode()
    booking.refresh_from_db()
    assert booking.checked_in_at is not None and booking.checked_out_at is None


def test_two_coordinators_assign_one_seat_the_second_sees_who_has_it(demo: None) -> None:
    shift = session()
    judge_seat = seat(shift, "judge")
    action = reverse("scheduling:assign_seat", args=[judge_seat.pk])
    first, second = client_for("coordinator"), client_for("street")
    first_sees = hidden(first.get(action).content.decode())
    second_sees = hidden(second.get(action).content.decode())
    judge = user("judge")

    assert first.post(action, {**first_sees, "person": judge.pk}).status_code == 302
    lost = second.post(action, {**second_sees, "person": judge.pk})

    assert lost.status_code == 409
    assert "专业人员" in lost.content.decode() and "王志刚" in lost.content.decode()
    assert Booking.objects.filter(seat=judge_seat).count() == 1
    assert Notification.objects.filter(user=judge).count() == 1  # told once


def test_a_booking_cancelled_meanwhile_is_not_cancelled_twice(demo: None) -> None:
    booking = _booked()
    action = reverse("scheduling:cancel_booking", args=[booking.pk])
    coordinator = client_for("coordinator")
    sees = hidden(coordinator.get(action).content.decode())
    judge = client_for("judge")
    own = hidden(judge.get(action).content.decode())
    assert judge.post(action, {**own, "reason": "临时开庭"}).status_code == 302

    lost = coordinator.post(action, {**sees, "reason": "调整排班"})

    assert lost.status_code == 409
    shown = lost.content.decode()
    assert "调整排班" in shown and "专业人员" in shown
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (BookingStatus.CANCELLED, "临时开庭")


def test_a_session_published_since_the_cancel_page_was_shown_is_not_cancelled_unseen(
    demo: None,
) -> None:
    shift = session(status=SessionStatus.DRAFT)
    action = reverse("scheduling:cancel_session", args=[shift.pk])
    coordinator = client_for("coordinator")
    sees = hidden(coordinator.get(action).content.decode())
    local = shift.starts_at
    publish = reverse("scheduling:publish_month", args=[shift.clinic.slug, local.year, local.month])
    assert client_for("street").post(publish).status_code == 302

    lost = coordinator.post(action, {**sees, "reason": "场地维修"})

    assert lost.status_code == 409
    shown = lost.content.decode()
    assert "场地维修" in shown and "状态" in shown and "已发布" in shown
    assert ClinicSession.objects.get(pk=shift.pk).status == SessionStatus.PUBLISHED
    again = coordinator.post(action, {**hidden(shown), "reason": "场地维修"})
    assert again.status_code == 302
    assert ClinicSession.objects.get(pk=shift.pk).status == SessionStatus.CANCELLED


def test_a_leave_is_removed_from_the_page_that_showed_it(demo: None) -> None:
    leave = do_record_leave(
        user("judge"), starts_at=at(days=20, hour=9), ends_at=at(days=21, hour=18), reason="年休假"
    )
    action = reverse("scheduling:cancel_leave", args=[leave.pk])
    judge = client_for("judge")
    without = judge.post(action)
    assert without.status_code == 400 and "此页面已过期" in without.content.decode()
    assert Leave.objects.filter(pk=leave.pk).exists()
    sees = hidden(judge.get(reverse("scheduling:my_roster")).content.decode(), action)
    assert judge.post(action, sees).status_code == 302
    assert not Leave.objects.filter(pk=leave.pk).exists()


# --- invalid input: 400, the form, and why --------------------------------------------------


def test_cancelling_a_session_without_a_reason_is_answered_400(demo: None) -> None:
    shift = session()
    response = client_for("coordinator").post(
        reverse("scheduling:cancel_session", args=[shift.pk]), seen(shift)
    )
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert ClinicSession.objects.get(pk=shift.pk).status == SessionStatus.PUBLISHED


def test_cancelling_a_booking_without_a_reason_is_answered_400(demo: None) -> None:
    booking = _booked()
    response = client_for("judge").post(
        reverse("scheduling:cancel_booking", args=[booking.pk]), seen(booking)
    )
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.ACTIVE


def test_an_attendance_that_is_no_choice_is_answered_400_and_says_so(demo: None) -> None:
    booking = _booked()
    action = reverse("scheduling:mark_attendance", args=[booking.pk])
    coordinator = client_for("coordinator")
    wrong = coordinator.post(action, {**seen(booking), "attendance": "maybe"})
    assert wrong.status_code == 400 and "选择一个有效的选项" in wrong.content.decode()
    stale_page = coordinator.post(action, {"attendance": "absent"})  # no version: an old page
    assert stale_page.status_code == 400 and "此页面已过期" in stale_page.content.decode()
    assert Booking.objects.get(pk=booking.pk).attendance == ""


def test_a_roster_suggestion_for_no_month_is_answered_400(demo: None) -> None:
    clinic = session().clinic
    response = client_for("coordinator").post(
        reverse("scheduling:suggest_roster"), {"month": "下个月", "scope": f"clinic:{clinic.pk}"}
    )
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    assert not Booking.objects.exists()
