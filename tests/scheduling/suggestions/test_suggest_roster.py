from __future__ import annotations

from datetime import time

from django.urls import reverse
from django.utils import timezone

from scheduling.actions.sessions import do_generate_sessions, do_publish_sessions, do_save_pattern
from scheduling.models import Booking, ClinicSession
from tests.conftest import client_for
from tests.scheduling.factories import clinic


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
