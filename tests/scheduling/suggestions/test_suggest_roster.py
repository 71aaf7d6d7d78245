from __future__ import annotations

from datetime import time

from django.urls import reverse
from django.utils import timezone

from clinic.models import Clinic
from scheduling.actions.bookings import do_book_seat, do_cancel_booking
from scheduling.actions.sessions import (
    do_generate_sessions,
    do_publish_sessions,
    do_save_pattern,
    do_save_settings,
)
from scheduling.models import Booking, ClinicSession
from tests.conftest import client_for
from tests.scheduling.factories import clinic, seat, user


def _next_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year + today.month // 12, today.month % 12 + 1)


def test_a_coordinator_reviews_a_suggestion_then_books_it_in_one_step(demo: None) -> None:
    place = clinic()
    do_save_pattern(
        place, data={"weekday": 2, "starts": time(9), "ends": time(11, 30), "kind": "regular"}
    )
    year, month = _next_month()
    do_generate_sessions(place, year=year, month=month)
    do_publish_sessions(ClinicSession.objects.filter(clinic=place))
    client = client_for("coordinator")
    query = {"scope": f"clinic:{place.pk}", "month": f"{year:04d}-{month:02d}"}
    page = client.get(reverse("scheduling:suggest_roster"), query)
    assert page.status_code == 200 and not Booking.objects.exists()  # nothing booked yet
    rows = page.context["rows"]
    assert rows and all(row["seat"].session.clinic == place for row in rows)
    proposed = {f"seat-{row['seat'].pk}": row["proposed"] or "" for row in rows}
    assert any(proposed.values())
    response = client.post(reverse("scheduling:suggest_roster"), {**query, **proposed})
    assert response.status_code == 302
    assert Booking.objects.filter(status="active").count() == sum(1 for v in proposed.values() if v)


def test_only_roster_managers_get_suggestions(demo: None) -> None:
    assert client_for("judge").get(reverse("scheduling:suggest_roster")).status_code == 403


def _published_month(place: Clinic) -> dict[str, str]:
    do_save_pattern(
        place, data={"weekday": 2, "starts": time(9), "ends": time(11, 30), "kind": "regular"}
    )
    year, month = _next_month()
    do_generate_sessions(place, year=year, month=month)
    do_publish_sessions(ClinicSession.objects.filter(clinic=place))
    return {"scope": f"clinic:{place.pk}", "month": f"{year:04d}-{month:02d}"}


def test_the_suggestion_explains_itself_in_chinese(demo: None) -> None:
    place = clinic()
    do_save_settings(place, data={"max_shifts": 1})
    query = _published_month(place)
    page = client_for("coordinator").get(reverse("scheduling:suggest_roster"), query)
    text = page.content.decode()
    for raw in ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "optimal", "feasible", "unknown"):
        assert raw not in text
    assert "最优方案" in text or "可行方案" in text
    # one lawyer-or-mediator seat a week, three people who take it, one shift each: the rest
    # is empty because everyone has reached the monthly maximum, and the page says so
    rows = page.context["rows"]
    assert any("每月最多班数" in row["why"] for row in rows)
    assert any("即可排满" in line for line in page.context["summary"])


def test_nobody_is_proposed_for_a_seat_they_cancelled(demo: None) -> None:
    place = clinic()
    query = _published_month(place)
    first = ClinicSession.objects.filter(clinic=place).order_by("starts_at").first()
    assert first is not None
    judge_seat = seat(first, "judge")
    booking = do_book_seat(judge_seat, person=user("judge"), actor=user("judge"))
    do_cancel_booking(booking, actor=user("judge"), reason="开庭")
    page = client_for("coordinator").get(reverse("scheduling:suggest_roster"), query)
    row = next(row for row in page.context["rows"] if row["seat"] == judge_seat)
    assert row["proposed"] != user("judge").pk
    assert user("judge") not in row["options"]
    assert "取消" in row["why"]
