"""The ledger (台账): each role sees its own scope, filtered by community, month and kind,
with the filtered totals; its number of queries does not grow with its rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Sweep
from cases.sweeps.actions import do_add_finding, do_record_sweep
from clinic.models import Community, Grid
from tests.conftest import client_for, person


def _sweep(community: str, day: date, *, kind: str = "scheduled", scope: str = "全网格") -> Sweep:
    place = Community.objects.get(name=community)
    sweep = do_record_sweep(
        actor=person("coordinator"),
        community=place,
        grid=Grid.objects.filter(community=place).order_by("code").first(),
        day=day,
        kind=kind,
        scope=scope,
        households=10,
    )
    do_add_finding(
        sweep,
        actor=person("coordinator"),
        description="噪音",
        persons=2,
        prevented=True,
        prevention_note="劝解",
    )
    return sweep


def _ledger(role: str, **query: str) -> Any:
    return client_for(role).get(reverse("cases:sweep_ledger"), query)


@pytest.fixture
def ledger(demo: None) -> None:
    today = timezone.localdate()
    _sweep("金江路社区", today, scope="金江路菜市场")
    _sweep("金江路社区", today.replace(day=1) - timedelta(days=1), kind="special", scope="欠薪专项")
    _sweep("北辰社区", today, scope="北辰小区")
    _sweep("金色社区", today, scope="金色大道")


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("gridworker", {"金江路菜市场", "欠薪专项"}),
        ("coordinator", {"金江路菜市场", "欠薪专项"}),
        ("street", {"金江路菜市场", "欠薪专项", "北辰小区"}),
        ("admin", {"金江路菜市场", "欠薪专项", "北辰小区", "金色大道"}),
        ("street_donghua", {"金色大道"}),
    ],
)
def test_each_role_sees_the_ledger_of_its_own_scope(ledger: None, role: str, seen: set) -> None:
    page = _ledger(role).content.decode()
    shown = {s for s in ("金江路菜市场", "欠薪专项", "北辰小区", "金色大道") if s in page}
    assert shown == seen


def test_the_filters_narrow_the_rows_and_the_totals(ledger: None) -> None:
    jinjiang = Community.objects.get(name="金江路社区")
    month = timezone.localdate().strftime("%Y-%m")
    response = _ledger("street", community=str(jinjiang.pk), month=month)
    page = response.content.decode()
    assert "金江路菜市场" in page and "欠薪专项" not in page and "北辰小区" not in page
    assert response.context["totals"] == {
        "sweeps": 1,
        "households": 10,
        "found": 1,
        "prevented": 1,
    }
    special = _ledger("street", kind="special").content.decode()
    assert "欠薪专项" in special and "金江路菜市场" not in special
    assert _ledger("street", month="2026-13").status_code == 400


def test_a_professional_has_no_ledger(ledger: None) -> None:
    assert _ledger("mediator").status_code == 403
    assert _ledger("lawyer").status_code == 403


def test_the_ledger_costs_the_same_queries_with_more_rows(
    ledger: None, django_assert_max_num_queries: Any
) -> None:
    client = client_for("admin")
    client.get(reverse("cases:sweep_ledger"))  # warm the caches of the session and the roles
    # session, user, memberships, communities (filter), totals ×2, count, rows, nav
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:sweep_ledger"))
    for day in range(1, 20):
        _sweep("北辰社区", timezone.localdate() - timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:sweep_ledger"))
