"""案件编号登记簿: every number a committee issued in a year, with its case, day and issuer,
read from the cases themselves; a number the sequence passed but no case holds is flagged."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseNumberSequence
from cases.number_register import number_register
from clinic.models import MediationCommittee
from tests.cases.factories import in_state
from tests.conftest import client_for


def _committee() -> MediationCommittee:
    return MediationCommittee.objects.get(community__name="金江路社区")


def test_the_register_lists_each_number_and_flags_a_skipped_one(
    demo: None, django_assert_max_num_queries: Any
) -> None:
    first, second = in_state("sit_in"), in_state("patrol")
    year = timezone.localdate().year
    # a number taken from the sequence that no case holds (e.g. typed into the paper book)
    CaseNumberSequence.objects.filter(committee=_committee(), year=year).update(last=F("last") + 1)
    fourth = in_state("sit_in")
    committee = _committee()
    # the cases with their issuers, the sequence's last number, the years of the register
    with django_assert_max_num_queries(3):
        register = number_register(committee, year)
    assert [(e.seq, e.gap) for e in register.entries] == [
        (1, False),
        (2, False),
        (3, True),
        (4, False),
    ]
    assert [e.number for e in register.entries if not e.gap] == [
        first.number,
        second.number,
        fourth.number,
    ]
    assert register.entries[0].issued_by == "张丽萍"
    assert register.entries[0].issued_on == timezone.localdate()
    assert register.gaps == [3] and register.issued == 3

    page = client_for("coordinator").get(reverse("clinic:number_register", args=[_committee().pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert first.number in text and fourth.number in text
    assert "跳号 1 个：第 3 号" in text


def test_a_committee_without_cases_has_no_register(demo: None) -> None:
    trade = MediationCommittee.objects.get(name="盘龙区物业纠纷人民调解委员会")
    page = client_for("admin").get(reverse("clinic:number_register", args=[trade.pk]))
    assert page.status_code == 200
    assert page.context["register"] is None
    assert "不编发案号" in page.content.decode()
