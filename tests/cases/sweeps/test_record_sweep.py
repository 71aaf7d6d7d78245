"""A grid worker records a sweep from a phone: the grid, today and "scheduled" are chosen
already; a coordinator may record one of the whole community; nobody else records."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Sweep
from clinic.models import Community, Grid, Membership
from tests.conftest import client_for


def _grid(name: str = "第一网格", community: str = "金江路社区") -> Grid:
    return Grid.objects.get(community__name=community, name=name)


def _post(role: str = "gridworker", **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "place": f"grid:{_grid().pk}",
        "day": timezone.localdate().isoformat(),
        "kind": "scheduled",
        "scope": "3–8 栋",
        "households": "42",
        "participants": "周红梅",
    }
    data.update(overrides)
    return client_for(role).post(reverse("cases:record_sweep"), data)


def test_the_form_starts_at_today_the_workers_own_grid_and_a_scheduled_sweep(
    demo: None,
) -> None:
    page = client_for("gridworker").get(reverse("cases:record_sweep")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert f'<option value="grid:{_grid().pk}" selected>' in page
    assert re.search(r'<input type="radio" name="kind" value="scheduled"[^>]* checked', page)
    assert not re.search(r'<input type="radio" name="kind" value="special"[^>]* checked', page)
    assert 'value="周红梅"' in page  # who took part: the worker
    assert f"grid:{_grid(community='金色社区').pk}" not in page  # not another community's grid


def test_recording_a_sweep_opens_its_page_to_add_the_disputes_found(demo: None) -> None:
    response = _post()
    sweep = Sweep.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sweep.get_absolute_url()
    assert (sweep.grid, sweep.community.name, sweep.households) == (_grid(), "金江路社区", 42)
    assert sweep.day == timezone.localdate() and sweep.kind == "scheduled"
    assert sweep.created_by.username == "gridworker"
    assert sweep.history.count() == 1  # its history starts with the entry


def test_a_future_date_or_another_grid_is_refused_and_nothing_is_recorded(demo: None) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _post(day=tomorrow).status_code == 400
    other = _grid(community="金色社区")
    assert _post(place=f"grid:{other.pk}").status_code == 400
    assert _post(households="-1").status_code == 400
    assert not Sweep.objects.exists()


def test_a_coordinator_records_a_sweep_of_the_whole_community(demo: None) -> None:
    community = Community.objects.get(name="金江路社区")
    response = _post("coordinator", place=f"community:{community.pk}", kind="special")
    assert response.status_code == 302
    sweep = Sweep.objects.get()
    assert (sweep.community, sweep.grid, sweep.kind) == (community, None, "special")


@pytest.mark.parametrize("role", ["street", "admin", "mediator", "lawyer"])
def test_who_does_not_walk_a_grid_does_not_record_one(demo: None, role: str) -> None:
    assert client_for(role).get(reverse("cases:record_sweep")).status_code == 403
    assert _post(role).status_code == 403
    assert not Sweep.objects.exists()


def test_a_grid_worker_moved_to_another_community_no_longer_keeps_their_old_sweeps(
    demo: None,
) -> None:
    _post()
    sweep = Sweep.objects.get()
    roles = Membership.objects.filter(user__username="gridworker", role="grid_worker")
    held = roles.first()
    assert held is not None
    roles.update(ended_at=timezone.now())  # both of their grids in 金江路社区
    there = _grid(community="金色社区")
    Membership.objects.create(
        user=held.user,
        role=held.role,
        level=held.level,
        district=there.community.street.district,
        street=there.community.street,
        community=there.community,
        grid=there,
    )
    moved = client_for("gridworker")

    assert moved.get(sweep.get_absolute_url()).status_code == 404
    edit = reverse("cases:edit_sweep", args=[sweep.pk])
    assert moved.post(edit, {"scope": "改过"}).status_code == 404
    assert client_for("coordinator").get(edit).status_code == 200  # the community keeps it
