from __future__ import annotations

from typing import Any

import segno
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.actions.bookings import do_book_seat
from scheduling.actions.sessions import do_cancel_session
from tests.scheduling.factories import at, seat, session, user


def test_the_duty_board_is_public_and_shows_only_public_fields(demo: None) -> None:
    shift = session(starts_at=at(days=1))
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
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
    do_book_seat(seat(first, "judge"), person=user("judge"), actor=user("judge"))
    one = _board_queries(client)
    for day in range(2, 6):
        more = session(starts_at=at(days=day))
        do_book_seat(seat(more, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    assert _board_queries(client) == one


def test_a_cancelled_session_stays_on_the_board_marked_cancelled(demo: None) -> None:
    shift = session(starts_at=at(days=1))
    do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    do_cancel_session(shift, actor=user("coordinator"), reason="停电")
    page = Client().get(reverse("scheduling:duty_board", args=["jinjianglu"])).content.decode()
    assert "已取消" in page and shift.starts_at.astimezone().strftime("%H:%M") in page
    assert "王志刚" not in page  # nobody is on duty at a cancelled session


def test_a_draft_session_stays_off_the_board(demo: None) -> None:
    session(starts_at=at(days=1), status="draft")
    page = Client().get(reverse("scheduling:duty_board", args=["jinjianglu"])).content.decode()
    assert "待安排" not in page and "已取消" not in page


def test_the_qr_code_carries_the_site_address_whatever_host_the_board_was_opened_at(
    demo: None, settings: Any
) -> None:
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    response = Client().get(
        reverse("scheduling:duty_board", args=["jinjianglu"]), HTTP_HOST="10.0.0.5:8000"
    )
    address = "https://clinic.example.org" + reverse("scheduling:duty_board", args=["jinjianglu"])
    page = response.content.decode()
    assert response.context["url"] == address and address in page  # printed under the code
    assert "10.0.0.5" not in page
    # the code drawn is the code of that address
    assert segno.make(address, error="m").svg_inline(scale=4, dark="#1d2733") in page
