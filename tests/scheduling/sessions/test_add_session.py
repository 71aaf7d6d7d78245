from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from scheduling.models import ClinicSession
from tests.conftest import client_for
from tests.scheduling.factories import at

FORMAT = "%Y-%m-%dT%H:%M"


def _add(starts: datetime, ends: datetime, **values: object) -> int:
    return (
        client_for("coordinator")
        .post(
            reverse("scheduling:add_session", args=["jinjianglu"]),
            {
                "starts_at": starts.strftime(FORMAT),
                "ends_at": ends.strftime(FORMAT),
                "place": "调解室",
                "kind": "regular",
                **values,
            },
        )
        .status_code
    )


def test_a_session_is_added(demo: None) -> None:
    assert _add(at(hour=9), at(hour=11, minute=30)) == 302
    assert ClinicSession.objects.count() == 1


def test_a_session_that_ends_before_it_starts_is_refused(demo: None) -> None:
    assert _add(at(hour=11), at(hour=9)) == 400
    assert _add(at(hour=9), at(hour=9)) == 400
    assert not ClinicSession.objects.exists()


def test_a_session_longer_than_twelve_hours_is_refused(demo: None) -> None:
    assert _add(at(hour=8), at(hour=8) + timedelta(hours=12, minutes=30)) == 400
    assert not ClinicSession.objects.exists()


def test_an_over_long_place_is_refused(demo: None) -> None:
    assert _add(at(hour=9), at(hour=11), place="室" * 101) == 400
    assert not ClinicSession.objects.exists()
