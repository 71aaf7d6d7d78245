"""受理 by dispute subtype, from hand-made cases: each type's rows add up to the official
table's 受理 of that type (re-acceptances of reopened cases included), and the statistics
page shows the breakdown."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseReopening, DisputeSubtype
from cases.statistics import figures
from cases.statistics.subtypes import SubtypeRow, accepted_by_subtype
from clinic.models import Community, User
from tests.conftest import client_for

SEPT = figures.month_period(2026, 9)
JINJIANG, BEICHEN = "金江路社区", "北辰社区"


def at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


def accepted(day: datetime, dispute_type: str, subtype: str = "", *, where: str = JINJIANG) -> Case:
    """A dispute accepted on ``day``, written straight to the table, with the subtype of code
    ``subtype`` (none for "")."""
    place = Community.objects.get(name=where)
    return Case.objects.create(
        state="sit_in",
        kind="dispute",
        committee=place.committee,
        community=place,
        street=place.street,
        registered_by=User.objects.get(username="mediator"),
        registered_at=day - timedelta(days=1),
        accepted_at=day,
        source="walk_in",
        dispute_type=dispute_type,
        dispute_subtype=DisputeSubtype.objects.get(code=subtype) if subtype else None,
        summary="x",
    )


@pytest.fixture
def september(demo: None) -> list[Community]:
    """In September, 金江路社区: 继承 ×2, 赡养 ×1 and a family case without subtype; 拖欠农民工
    工资 ×1 and a wage case accepted in August reopened (re-accepted) on 9-15; 北辰社区: 物业
    服务 ×1. Not counted: 继承 accepted in August, never reopened."""
    accepted(at(2), "marriage_family", "inheritance")
    accepted(at(9), "marriage_family", "inheritance")
    accepted(at(11), "marriage_family", "elder-support")
    accepted(at(12), "marriage_family")
    accepted(at(5), "labour", "migrant-wages")
    reopened = accepted(at(20, month=8), "labour", "migrant-wages")
    CaseReopening.objects.create(case=reopened, at=at(15), level="community")
    accepted(at(25, month=8), "marriage_family", "inheritance")
    accepted(at(7), "property_management", "property-service", where=BEICHEN)
    return list(Community.objects.filter(name__in=[JINJIANG, BEICHEN]))


def test_each_types_rows_add_up_to_its_accepted(september: list[Community]) -> None:
    rows = accepted_by_subtype(september, SEPT)
    assert [(r.type_label, r.subtype, r.accepted) for r in rows] == [
        ("婚姻家庭", "继承", 2),
        ("婚姻家庭", "赡养", 1),
        ("婚姻家庭", "", 1),
        ("劳动争议", "拖欠农民工工资", 2),
        ("物业", "物业服务", 1),
    ]
    assert [r.share for r in rows if r.dispute_type == "marriage_family"] == [50.0, 25.0, 25.0]
    report = figures.compute(september, SEPT, "两个社区")
    official = {row.code: row.accepted for row in report.by_type}
    for kind in {r.dispute_type for r in rows}:
        assert sum(r.accepted for r in rows if r.dispute_type == kind) == official[kind]


def test_one_communitys_breakdown_leaves_the_others_out(september: list[Community]) -> None:
    jinjiang = [c for c in september if c.name == JINJIANG]
    rows = accepted_by_subtype(jinjiang, SEPT)
    assert SubtypeRow("property_management", "物业", "物业服务", 1, 100.0) not in rows
    assert sum(r.accepted for r in rows) == 6


def test_the_breakdown_takes_two_queries(
    september: list[Community], django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(2):  # type: ignore[operator]
        accepted_by_subtype(september, SEPT)


def test_the_statistics_page_shows_the_breakdown(september: list[Community]) -> None:
    response = client_for("admin").get(reverse("cases:statistics_page"), {"period": "2026-09"})
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="by-subtype-heading"') :]
    assert "拖欠农民工工资</th><td>2</td><td>100.0</td>" in section
    assert "继承</th><td>2</td><td>50.0</td>" in section
