from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from scheduling.actions.sessions import roster_settings
from tests.conftest import client_for
from tests.scheduling.factories import clinic

SEATS = {"judge_seats": 1, "prosecutor_seats": 1, "police_seats": 1, "lawyer_seats": 1}


def _save(**values: object) -> tuple[int, dict[str, list[str]]]:
    response = client_for("coordinator").post(
        reverse("scheduling:clinic_settings", args=["jinjianglu"]),
        {"save_settings": "1", **SEATS, "minimum_hours": 4, "max_shifts": 4, **values},
    )
    form = response.context["settings_form"] if response.status_code == 400 else None
    return response.status_code, dict(form.errors) if form else {}


def test_a_sensible_minimum_and_maximum_are_saved(demo: None) -> None:
    assert _save(minimum_hours="7.5", max_shifts=6) == (302, {})
    saved = roster_settings(clinic())
    assert (saved.minimum_hours, saved.max_shifts) == (Decimal("7.5"), 6)


def test_a_negative_monthly_minimum_is_refused(demo: None) -> None:
    before = roster_settings(clinic()).minimum_hours
    status, errors = _save(minimum_hours="-5")
    assert status == 400 and errors == {"minimum_hours": ["每月最低时长不能为负数。"]}
    assert roster_settings(clinic()).minimum_hours == before


def test_a_minimum_the_most_shifts_cannot_reach_is_refused(demo: None) -> None:
    status, errors = _save(minimum_hours="40", max_shifts=3)  # 3 shifts of at most 12 hours
    assert status == 400 and list(errors) == ["minimum_hours"]
    assert _save(minimum_hours="36", max_shifts=3)[0] == 302


def test_more_shifts_than_days_in_a_month_and_a_negative_maximum_are_refused(
    demo: None,
) -> None:
    assert list(_save(max_shifts=32)[1]) == ["max_shifts"]
    assert list(_save(max_shifts=-1)[1]) == ["max_shifts"]


def test_the_numbers_ask_for_the_number_keypad(demo: None) -> None:
    page = (
        client_for("coordinator")
        .get(reverse("scheduling:clinic_settings", args=["jinjianglu"]))
        .content.decode()
    )
    hours = next(tag for tag in page.split("<input") if 'name="minimum_hours"' in tag)
    shifts = next(tag for tag in page.split("<input") if 'name="max_shifts"' in tag)
    assert 'inputmode="decimal"' in hours and 'min="0"' in hours
    assert 'inputmode="numeric"' in shifts
