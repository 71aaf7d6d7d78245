"""Duty notices to a community's groups: when a clinic's roster is published, and when who is
on duty at a published session changes, the community's group robots are told who is on duty
when and where, with the public duty board's address."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import Community, GroupRobot
from clinic.notify import backends
from scheduling.actions.bookings import do_book_seat, do_cancel_booking
from scheduling.actions.sessions import do_cancel_session, do_generate_sessions, do_save_pattern
from scheduling.actions.suggestions import do_accept_suggestion
from scheduling.models import ClinicSession
from tests.conftest import client_for
from tests.scheduling.factories import at, clinic, seat, session, user

BOARD = "https://clinic.example.org/roster/duty/jinjianglu/"


@pytest.fixture(autouse=True)
def _robots_in_memory(settings: Any) -> None:
    settings.CLINIC_ROBOT_BACKEND = "memory"
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    backends.clear()


@pytest.fixture
def group(demo: None) -> GroupRobot:
    return GroupRobot.objects.create(
        community=Community.objects.get(name="金江路社区"),
        name="法律顾问群",
        provider="wecom",
        key="k-123",
        added_by=user("coordinator"),
    )


def _posted() -> list[backends.Message]:
    return [message for message in backends.SENT if message.channel == "robot"]


def _next_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year + today.month // 12, today.month % 12 + 1)


def test_publishing_a_month_tells_the_group_once_with_every_session(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    place = clinic()
    do_save_pattern(
        place, data={"weekday": 2, "starts": time(9), "ends": time(11, 30), "kind": "regular"}
    )
    year, month = _next_month()
    do_generate_sessions(place, year=year, month=month)
    drafts = list(ClinicSession.objects.filter(clinic=place, status="draft"))
    assert not _posted()  # drafts are nobody's business yet
    url = reverse("scheduling:publish_month", args=[place.slug, year, month])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("coordinator").post(url).status_code == 302
    [message] = _posted()
    assert message.address == "k-123" and message.provider == "wecom"
    assert place.name in message.title
    assert message.url == BOARD
    body = message.body.splitlines()
    assert len(body) == len(drafts)
    for line, draft in zip(body, drafts, strict=True):
        start = timezone.localtime(draft.starts_at)
        assert f"{start.month}月{start.day}日 09:00" in line
        assert place.address in line  # the patterns' sessions are held at the clinic
        assert "法官 待安排" in line
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coordinator").post(url)
    assert len(_posted()) == 1  # nothing new published: nothing said


def test_who_books_a_published_session_is_told_to_the_group(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    shift = session(starts_at=at(days=3, hour=9))
    backends.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    [booked] = _posted()
    assert "调解室" in booked.body and "法官 王志刚" in booked.body
    assert "检察官 待安排" in booked.body
    with django_capture_on_commit_callbacks(execute=True):
        do_cancel_booking(booking, actor=user("judge"), reason="开庭")
    cancelled = _posted()[-1]
    assert "王志刚" not in cancelled.body and "法官 待安排" in cancelled.body


def test_a_published_session_cancelled_is_told_to_the_group_a_draft_is_not(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    draft = session(starts_at=at(days=3, hour=9), status="draft")
    published = session(starts_at=at(days=4, hour=9))
    backends.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_cancel_session(draft, actor=user("coordinator"), reason="停电")
    assert not _posted()
    with django_capture_on_commit_callbacks(execute=True):
        do_cancel_session(published, actor=user("coordinator"), reason="停电")
    [message] = _posted()
    assert "本时段坐诊不再举行。" in message.body


def test_an_accepted_suggestion_is_one_message_for_all_its_bookings(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    morning = session(starts_at=at(days=3, hour=9))
    afternoon = session(starts_at=at(days=3, hour=14))
    backends.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_suggestion(
            [
                (seat(morning, "judge"), user("judge")),
                (seat(afternoon, "judge"), user("judge")),
                (seat(morning, "lawyer"), user("lawyer")),
            ],
            actor=user("coordinator"),
        )
    [message] = _posted()
    first, second = message.body.splitlines()
    assert "法官 王志刚" in first and "陈思远" in first
    assert "法官 王志刚" in second and "陈思远" not in second


def test_a_community_without_a_group_robot_hears_nothing(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    elsewhere = session(slug="beichen", starts_at=at(days=3, hour=9))
    with django_capture_on_commit_callbacks(execute=True):
        do_book_seat(seat(elsewhere, "judge"), person=user("judge"), actor=user("judge"))
    assert not _posted()


def test_no_group_is_told_where_robots_are_off(
    group: GroupRobot, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLINIC_ROBOT_BACKEND = "none"
    with django_capture_on_commit_callbacks(execute=True):
        shift = session(starts_at=at(days=3, hour=9))
        do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    assert not _posted()


def test_the_group_reads_the_duty_in_chinese(
    group: GroupRobot, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        shift = session(starts_at=at(days=3, hour=9))
    [message] = _posted()
    start = timezone.localtime(shift.starts_at)
    assert message.title == f"{clinic().name} 值班安排"
    assert message.body.startswith(f"{start.year}年{start.month}月{start.day}日 09:00，调解室：")
