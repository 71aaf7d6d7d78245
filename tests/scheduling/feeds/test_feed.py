from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from scheduling.actions.bookings import do_book_seat
from scheduling.actions.feeds import do_renew_feed_token, feed_token
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, session, user


def test_the_calendar_feed_parses_and_lists_the_shifts_in_shanghai_time(demo: None) -> None:
    shift = session(starts_at=at(days=2, hour=9))
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    token = feed_token(user("judge")).token
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
    old = feed_token(user("judge")).token
    do_renew_feed_token(user("judge"))
    assert Client().get(reverse("scheduling:feed", args=[old])).status_code == 404
    assert Client().get(reverse("scheduling:feed", args=["guess"])).status_code == 404


def test_the_feed_address_is_on_the_site_address_whatever_host_the_page_was_opened_at(
    demo: None, settings: Any
) -> None:
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    client = client_for("judge")
    page = client.get(reverse("scheduling:feed_settings"), HTTP_HOST="10.0.0.5:8000")
    token = feed_token(user("judge")).token
    address = f"https://clinic.example.org{reverse('scheduling:feed', args=[token])}"
    assert page.context["url"] == address
    assert f"<code>{address}</code>" in page.content.decode()
    assert "10.0.0.5" not in page.content.decode()
