"""组织队伍情况: committees by type with their serving mediators (专职, 兼职) and the year's
training hours, counted from hand-made members; the same table is a sheet of the official
report's workbook."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from cases.statistics import figures
from cases.statistics.official import official_xlsx
from clinic.committees.selectors import organisation_committees, organisation_table
from clinic.models import CommitteeMember, MediationCommittee, Street, TrainingRecord


def _member(
    committee: MediationCommittee,
    name: str,
    employment: str,
    started_on: date = date(2020, 1, 1),
    ended_on: date | None = None,
) -> CommitteeMember:
    return CommitteeMember.objects.create(
        committee=committee,
        name=name,
        position="mediator",
        employment=employment,
        started_on=started_on,
        ended_on=ended_on,
    )


def test_the_table_counts_committees_members_and_hours_by_type(demo: None) -> None:
    CommitteeMember.objects.all().delete()
    street = Street.objects.get(name="联盟街道")
    village = MediationCommittee.objects.get(community__name="金江路社区")
    township = MediationCommittee.objects.get(street=street, level="street")
    trade = MediationCommittee.objects.get(name="盘龙区物业纠纷人民调解委员会")
    stationed = MediationCommittee.objects.create(
        code="S1",
        kind="stationed",
        stationed_at="盘龙区人民法院",
        street=street,
        name="驻法院调委会",
        seal_name="驻法院调委会",
    )
    a = _member(village, "甲", "full_time")
    _member(village, "乙", "part_time")
    _member(village, "丙", "part_time", ended_on=date(2026, 3, 1))  # left before the day
    _member(village, "丁", "full_time", started_on=date(2026, 9, 1))  # joined after it
    b = _member(township, "戊", "full_time")
    _member(trade, "己", "part_time")
    _member(stationed, "庚", "full_time")
    TrainingRecord.objects.create(member=a, held_on=date(2026, 4, 1), hours=Decimal("8"), topic="t")
    TrainingRecord.objects.create(member=a, held_on=date(2025, 4, 1), hours=Decimal("5"), topic="t")
    TrainingRecord.objects.create(
        member=b, held_on=date(2026, 2, 1), hours=Decimal("2.5"), topic="t"
    )

    committees = organisation_committees([village.pk, township.pk])
    rows = organisation_table(committees, on=date(2026, 6, 30), year=2026)
    table = {
        r.label: (r.committees, r.members, r.full_time, r.part_time, r.training_hours) for r in rows
    }
    assert table["村居"] == (1, 2, 1, 1, Decimal("8"))
    assert table["乡镇街道"] == (1, 1, 1, 0, Decimal("2.5"))
    assert table["行业专业"] == (1, 1, 0, 1, Decimal("0"))
    assert table["派驻"] == (1, 1, 1, 0, Decimal("0"))
    assert table["个人调解工作室"][0] == 1
    assert table["企事业单位"] == (0, 0, 0, 0, Decimal("0"))
    assert table["合计"] == (5, 5, 3, 2, Decimal("10.5"))
    assert rows[3].details == ["物业"]
    # a community's report lists its own committee only
    assert list(organisation_committees([village.pk])) == [village]


def test_the_official_workbook_has_the_organisation_sheet(demo: None) -> None:
    street = Street.objects.get(name="联盟街道")
    communities = list(street.communities.order_by("code"))
    report = figures.compute(communities, figures.parse_period("2026"), "联盟街道")
    book = load_workbook(io.BytesIO(official_xlsx(report)))
    sheet = book["组织队伍情况"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    labels = [row[0] for row in cells]
    assert "组织队伍情况表" in labels
    trade = next(row for row in cells if str(row[0]).startswith("行业专业"))
    assert trade[0] == "行业专业（物业）" and trade[1] == 1
    studio = next(row for row in cells if row[0] == "个人调解工作室")
    assert studio[1:3] == [1, 1]
