"""The committee's constraints: only community (村居) and street (乡镇街道) committees hold
cases and carry a prefix; the other types belong to a street with no level, community or
prefix, and say their field, place or mediator; members and trainings hold together."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from clinic.models import (
    CommitteeMember,
    Community,
    MediationCommittee,
    SealUse,
    Street,
    TrainingRecord,
)
from tests.conftest import person


def _refused(**fields: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationCommittee.objects.create(**fields)


def _trade(**fields: Any) -> MediationCommittee:
    return MediationCommittee.objects.create(
        **{
            "code": "T1",
            "kind": "professional",
            "field": "medical",
            "street": Street.objects.get(name="联盟街道"),
            "name": "医调委",
            "seal_name": "医调委",
        }
        | fields
    )


def test_the_demo_committees_hold_cases_with_a_code_and_a_type(demo: None) -> None:
    community = MediationCommittee.objects.get(community__name="金江路社区")
    street = MediationCommittee.objects.get(street__name="联盟街道", level="street")
    assert (community.kind, community.holds_cases) == ("village", True)
    assert (street.kind, street.holds_cases) == ("township", True)
    assert community.community is not None
    assert community.code == f"{community.community.code}01"
    trade = MediationCommittee.objects.get(name="盘龙区物业纠纷人民调解委员会")
    assert (trade.kind, trade.field, trade.level, trade.case_prefix) == (
        "professional",
        "property",
        "",
        "",
    )
    assert not trade.holds_cases
    assert set(MediationCommittee.objects.holding_cases()) == set(
        MediationCommittee.objects.exclude(level="")
    )


def test_a_case_holding_committee_needs_its_matching_type_and_a_prefix(demo: None) -> None:
    street = Street.objects.get(name="联盟街道")
    community = Community.objects.create(street=street, name="新社区", code="530103001999")
    base = {"street": street, "name": "新", "seal_name": "新"}
    # a community committee that says it is a street's
    _refused(
        code="X1", kind="township", level="community", community=community, case_prefix="新", **base
    )
    # a community committee without a prefix
    _refused(code="X2", kind="village", level="community", community=community, **base)
    MediationCommittee.objects.create(
        code="X3", kind="village", level="community", community=community, case_prefix="新", **base
    )


def test_a_committee_of_another_type_has_no_level_community_or_prefix(demo: None) -> None:
    street = Street.objects.get(name="联盟街道")
    base = {"street": street, "name": "企", "seal_name": "企", "kind": "enterprise"}
    _refused(code="E1", level="street", case_prefix="企", **base)
    _refused(code="E2", case_prefix="企", **base)
    _refused(code="E3", community=Community.objects.get(name="北辰社区"), **base)
    MediationCommittee.objects.create(code="E4", **base)
    MediationCommittee.objects.create(code="E5", **base)  # two empty prefixes do not clash


def test_each_type_says_its_field_place_or_mediator(demo: None) -> None:
    street = Street.objects.get(name="联盟街道")
    base = {"street": street, "name": "n", "seal_name": "n"}
    _refused(code="K1", kind="professional", **base)
    _refused(code="K2", kind="stationed", **base)
    _refused(code="K3", kind="studio", **base)
    MediationCommittee.objects.create(
        code="K4", kind="stationed", stationed_at="盘龙区人民法院", **base
    )


def test_codes_are_unique(demo: None) -> None:
    _trade(code="U1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _trade(code="U1", name="另一个")


def test_a_member_has_a_name_an_end_after_the_start_and_one_current_position(demo: None) -> None:
    committee = _trade()
    base = {"committee": committee, "position": "mediator", "employment": "full_time"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(name="", **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(
            name="甲", started_on=date(2026, 5, 1), ended_on=date(2026, 4, 1), **base
        )
    CommitteeMember.objects.create(name="张丽萍", user=person("mediator"), **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(name="张丽萍", user=person("mediator"), **base)
    # one who left may come back
    CommitteeMember.objects.filter(user=person("mediator"), committee=committee).update(
        ended_on=date(2026, 6, 1), started_on=date(2026, 1, 1)
    )
    CommitteeMember.objects.create(name="张丽萍", user=person("mediator"), **base)


def test_training_has_hours_and_a_seal_use_copies(demo: None) -> None:
    member = CommitteeMember.objects.create(
        committee=_trade(), name="甲", position="mediator", employment="part_time"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecord.objects.create(
            member=member, held_on=date(2026, 3, 1), hours=Decimal("0"), topic="t"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SealUse.objects.create(
            committee=member.committee,
            used_on=date(2026, 3, 1),
            document="letter",
            copies=0,
            purpose="p",
            applicant="a",
            approved_by="b",
        )
