"""预防效果 in the report: the five 防止… columns (件 and 人) from hand-made cases, in the figures
and in the official workbook; and what follow-ups found going wrong after a settlement, counted
on the statistics page (the official report has no column for it)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, FollowUp, FollowUpSetback
from cases.statistics import figures, layout, official
from clinic.models import Community, User
from tests.conftest import client_for

SEPT = figures.month_period(2026, 9)
JINJIANG, BEICHEN = "金江路社区", "北辰社区"


def at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


def accepted(community: str, day: datetime, **prevented: int) -> Case:
    """A dispute accepted on ``day``, written straight to the table; ``prevented``: persons
    by harm (``suicide=2``), each flag set with its persons."""
    place = Community.objects.get(name=community)
    flags: dict[str, object] = {}
    for harm, persons in prevented.items():
        flags[f"prevented_{harm}"] = True
        flags[f"prevented_{harm}_persons"] = persons
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
        dispute_type="neighbour",
        summary="x",
        **flags,
    )


@pytest.fixture
def september(demo: None) -> figures.Report:
    """金江路社区: a fight (6 persons) and a suicide (1) prevented in one case, a mass
    incident (30) in another, a criminal turn (2) in a third; 北辰社区: a fight (4). Not
    counted: a mass incident prevented in a case accepted in August."""
    accepted(JINJIANG, at(3), fight=6, suicide=1)
    accepted(JINJIANG, at(10), incident=30)
    accepted(JINJIANG, at(12), criminal=2)
    accepted(BEICHEN, at(20), fight=4)
    accepted(JINJIANG, at(20, 8), incident=50)
    places = list(Community.objects.filter(name__in=[JINJIANG, BEICHEN]))
    return figures.compute(places, SEPT, "联盟街道")


def counts(row: figures.Row, harm: str) -> tuple[int, int]:
    return getattr(row, f"{harm}_cases"), getattr(row, f"{harm}_persons")


def test_each_prevention_column_counts_its_cases_and_persons(september: figures.Report) -> None:
    total = september.total
    assert counts(total, "suicide") == (1, 1)
    assert counts(total, "fight") == (2, 10)  # 6 + 4
    assert counts(total, "incident") == (1, 30)  # August's 50 not in September
    assert counts(total, "criminal") == (1, 2)
    assert counts(total, "petition") == (0, 0)
    by_name = {row.name: row for row in september.rows}
    assert counts(by_name[JINJIANG], "fight") == (1, 6)
    assert counts(by_name[BEICHEN], "fight") == (1, 4)


def test_the_official_workbook_fills_the_prevention_columns(september: figures.Report) -> None:
    sheet = load_workbook(io.BytesIO(official.official_xlsx(september)))["合计"]
    keys = [column.key for column in layout.configured().columns]
    total = next(
        row
        for row in range(official.FIRST_DATA_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value == "合计"
    )

    def cell(key: str) -> object:
        return sheet.cell(total, keys.index(key) + 2).value

    assert (cell("suicide_cases"), cell("suicide_persons")) == (1, 1)
    assert (cell("fight_cases"), cell("fight_persons")) == (2, 10)
    assert (cell("incident_cases"), cell("incident_persons")) == (1, 30)


def test_the_statistics_page_counts_what_follow_ups_found_going_wrong(demo: None) -> None:
    """Cases, not visits: a case found revoked at two follow-ups counts once; a follow-up of
    another month does not count."""
    mediator = User.objects.get(username="mediator")
    case = accepted(JINJIANG, at(1, 8))
    other = accepted(BEICHEN, at(1, 8))
    for done, found_in, kinds in (
        (at(5), case, ["revoked", "payment_order"]),
        (at(25), case, ["revoked"]),
        (at(8), other, ["criminal"]),
        (at(8, 10), other, ["petition"]),
    ):
        follow_up = FollowUp.objects.create(
            case=found_in, due_on=done.date(), assignee=mediator, done_at=done, performance="full"
        )
        for kind in kinds:
            FollowUpSetback.objects.create(follow_up=follow_up, kind=kind)
    street = Community.objects.get(name=JINJIANG).street
    page = client_for("street").get(
        reverse("cases:statistics_page"), {"scope": f"street:{street.pk}", "period": "2026-09"}
    )
    assert page.status_code == 200
    found = dict(page.context["setbacks"])
    assert found["协议被法院撤销"] == 1
    assert found["申请支付令"] == 1
    assert found["转为刑事案件"] == 1
    assert found["引发群体性上访"] == 0  # found in October
    assert "复诊发现的问题" in page.content.decode()
