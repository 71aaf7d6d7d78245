from __future__ import annotations

import pytest
import time_machine

from cases.changes import StaleCase
from cases.choices import State
from cases.intake.actions import do_accept_case, do_log_advice
from cases.models import CaseNumberSequence
from clinic.models import Community
from tests.cases.factories import fresh, in_state, registered_dispute, user


def test_numbers_read_like_the_committees_own(demo: None) -> None:
    case = in_state(State.SIT_IN)
    assert case.accepted_at is not None
    year = case.accepted_at.year
    assert case.number == f"({year})盘金人调字第1号"
    second = in_state(State.PATROL)
    assert second.number == f"({year})盘金人调字第2号"


def test_each_committee_counts_on_its_own(demo: None) -> None:
    jinjiang = in_state(State.SIT_IN)
    jinse = registered_dispute(by="mediator_jinse", community="金色社区", mediator="mediator_jinse")
    do_accept_case(jinse, actor=user("mediator_jinse"), version=None)
    assert jinjiang.number.endswith("盘金人调字第1号")
    assert fresh(jinse).number.endswith("盘金色人调字第1号")


def test_a_new_year_starts_again_at_one(demo: None) -> None:
    with time_machine.travel("2025-12-31 10:00 +0800"):
        old = in_state(State.SIT_IN)
    with time_machine.travel("2026-01-02 10:00 +0800"):
        new = in_state(State.SIT_IN)
    assert old.number == "(2025)盘金人调字第1号"
    assert new.number == "(2026)盘金人调字第1号"


def test_a_failed_acceptance_leaves_no_gap(demo: None) -> None:
    case = in_state(State.REGISTERED)
    with pytest.raises(StaleCase):
        do_accept_case(fresh(case), actor=user("mediator"), version=case.version - 1)
    committee = Community.objects.get(name="金江路社区").committee
    assert not CaseNumberSequence.objects.filter(committee=committee, last__gt=0).exists()
    do_accept_case(fresh(case), actor=user("mediator"), version=None)
    assert fresh(case).number_seq == 1


def test_advice_never_gets_a_number(demo: None) -> None:
    advice = do_log_advice(
        actor=user("mediator"),
        community=Community.objects.get(name="金江路社区"),
        question="离婚后孩子抚养费怎么算？",
        answer="一般按月收入的 20%–30% 协商，可到法院起诉确定",
        dispute_type="marriage_family",
        source="walk_in",
    )
    assert advice.state == State.CLOSED and advice.number == ""
    assert advice.events.count() == 2


def test_the_mediation_clock_counts_a_month_from_the_next_day_past_holidays(demo: None) -> None:
    # Accepted 2026-09-01: one month ends 2026-10-01, National Day; 10-01 to 10-07 are days
    # off, so the period runs to Thursday 10-08.
    with time_machine.travel("2026-09-01 10:00 +0800"):
        case = in_state(State.SIT_IN)
    assert str(case.mediation_due) == "2026-10-08"
