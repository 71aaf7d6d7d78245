from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from scheduling.models import Leave
from tests.conftest import client_for
from tests.scheduling.factories import at

FORMAT = "%Y-%m-%dT%H:%M"


def _add(starts: datetime, ends: datetime) -> None:
    response = client_for("judge").post(
        reverse("scheduling:add_leave"),
        {"starts_at": starts.strftime(FORMAT), "ends_at": ends.strftime(FORMAT), "reason": "出差"},
    )
    assert response.status_code == 302


def test_leave_is_recorded(demo: None) -> None:
    _add(at(days=3, hour=8), at(days=5, hour=18))
    assert Leave.objects.get().reason == "出差"


def test_leave_that_ends_before_it_starts_is_refused(demo: None) -> None:
    _add(at(days=5, hour=18), at(days=3, hour=8))
    assert not Leave.objects.exists()
