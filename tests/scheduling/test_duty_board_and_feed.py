from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from scheduling import actions
from tests.scheduling.factories import at, seat, session, user


def test_the_duty_board_is_public_and_shows_only_public_fields(demo: None) -> None:
    shift = session(starts_at=at(days=1))
    actions.do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    response = Client().get(reverse("scheduling:duty_board", args=["jinjianglu"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "王志刚" in page and "盘龙区人民法院联盟人民法庭" in page
    assert user("judge").phone not in page
    assert "0871-65611020" in page  # the clinic's own phone
    assert "<svg" in page  # the QR code, drawn on the server


def _board_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("scheduling:duty_board", args=["jinjianglu"])).status_code == 200
    return len(queries)


def test_the_duty_board_runs_the_same_queries_for_one_or_many_sessions(demo: None) -> None:
    client = Client()
    first = session(starts_at=at(days=1))
    actions.do_book_seat(seat(first, "judge"), person=user("judge"), actor=user("judge"))
    one = _board_queries(client)
    for day in range(2, 6):
        more = session(starts_at=at(days=day))
        actions.do_book_seat(seat(more, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    assert _board_queries(client) == one


def test_the_calendar_feed_parses_and_lists_the_shifts_in_shanghai_time(demo: None) -> None:
    shift = session(starts_at=at(days=2, hour=9))
    actions.do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    token = actions.feed_token(user("judge")).token
    response = Client().get(reverse("scheduling:feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert start == shift.starts_at and start.utcoffset().total_seconds() == 8 * 3600
    assert "金江路社区" in str(events[0]["summary"])
    assert calendar["x-wr-timezone"] == "Asia/Shanghai"


def test_a_renewed_feed_key_retires_the_old_address(demo: None) -> None:
    old = actions.feed_token(user("judge")).token
    actions.do_renew_feed_token(user("judge"))
    assert Client().get(reverse("scheduling:feed", args=[old])).status_code == 404
    assert Client().get(reverse("scheduling:feed", args=["guess"])).status_code == 404
