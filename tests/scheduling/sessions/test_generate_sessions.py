from __future__ import annotations

from datetime import date, time

from django.utils import timezone

from clinic.models import Holiday
from scheduling.actions.sessions import do_generate_sessions, do_save_pattern, do_save_settings
from scheduling.models import ClinicSession
from tests.scheduling.factories import clinic


def test_patterns_make_a_months_sessions_once_skipping_holidays_and_following_make_up_days(
    demo: None,
) -> None:
    place = clinic()
    # Fridays 14:30–17:00; in January 2026, Friday the 2nd is a day off and Sunday the 4th
    # is worked in its place (调休).
    do_save_pattern(
        place, data={"weekday": 4, "starts": time(14, 30), "ends": time(17), "kind": "regular"}
    )
    assert Holiday.objects.get(date=date(2026, 1, 4)).works_as == 4
    created = do_generate_sessions(place, year=2026, month=1)
    days = sorted(
        timezone.localtime(s.starts_at).date() for s in ClinicSession.objects.filter(clinic=place)
    )
    assert date(2026, 1, 2) not in days
    assert date(2026, 1, 4) in days
    assert days == [date(2026, 1, d) for d in (4, 9, 16, 23, 30)]
    assert created == 5
    assert do_generate_sessions(place, year=2026, month=1) == 0
    session = ClinicSession.objects.all()[0]
    assert session.status == "draft"
    assert sorted(session.seats.values_list("role", flat=True)) == [
        "judge",
        "lawyer",
        "police",
        "prosecutor",
    ]


def test_seats_follow_the_clinics_settings(demo: None) -> None:
    place = clinic()
    do_save_settings(place, data={"lawyer_seats": 2, "prosecutor_seats": 0})
    do_save_pattern(
        place, data={"weekday": 2, "starts": time(9), "ends": time(11, 30), "kind": "regular"}
    )
    do_generate_sessions(place, year=2026, month=12)
    session = ClinicSession.objects.all()[0]
    roles = sorted(session.seats.values_list("role", flat=True))
    assert roles == ["judge", "lawyer", "lawyer", "police"]
