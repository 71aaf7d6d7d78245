from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.actions.bookings import do_book_seat
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, session, user


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_month_shows_who_is_booked_and_the_gaps(demo: None) -> None:
    shift = session(starts_at=at(days=2))
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    day = shift.starts_at
    url = reverse("scheduling:month_calendar", args=["jinjianglu", day.year, day.month])
    page = client_for("coordinator").get(url).content.decode()
    assert "王志刚" in page and "空缺" in page


def test_the_month_runs_the_same_queries_for_few_or_many_sessions(demo: None) -> None:
    client = client_for("coordinator")
    first = session(starts_at=at(days=1, hour=20))
    url = reverse(
        "scheduling:month_calendar",
        args=["jinjianglu", first.starts_at.year, first.starts_at.month],
    )
    few = _queries(client, url)
    for hour in (8, 11, 14, 17):
        more = session(starts_at=at(days=2, hour=hour))
        do_book_seat(seat(more, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    assert _queries(client, url) == few


def test_outsiders_cannot_open_another_communitys_roster(demo: None) -> None:
    url = reverse("scheduling:month_calendar", args=["jinjianglu", 2026, 12])
    assert client_for("coordinator_jinse").get(url).status_code == 404
    assert client_for("gridworker").get(url).status_code == 404
    assert client_for("judge").get(url).status_code == 200  # serves the clinic
    settings_url = reverse("scheduling:clinic_settings", args=["jinjianglu"])
    assert client_for("judge").get(settings_url).status_code == 403
