"""Every transition × every role, through the pages: the allowed succeed and write one
event; the others are refused with 404 (case invisible) or 403 (visible, not permitted)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.actions import do_assign_professional
from cases.changes import StaleCase
from cases.choices import State
from cases.intake.actions import do_log_advice, do_record_refusal
from cases.mediation.actions import do_switch_mode, do_terminate_case
from cases.models import Case, CaseEvent
from clinic.models import Community
from tests.cases.factories import fresh, in_state, signed_agreement, user
from tests.conftest import client_for

ROLES = [
    "admin",
    "coordinator",
    "mediator",
    "judge",
    "prosecutor",
    "police",
    "lawyer",
    "gridworker",
    "street",
    "coordinator_jinse",
    "mediator_jinse",
]
MANAGERS = {"admin", "coordinator", "mediator"}


def _advice_question() -> Case:
    return do_log_advice(
        actor=user("mediator"),
        community=Community.objects.get(name="金江路社区"),
        question="邻居占用楼道堆放杂物，可以怎么处理？",
        answer="",
        dispute_type="neighbour",
        source="walk_in",
    )


def _setup(name: str) -> Case:
    if name == "answer_question":
        case = _advice_question()
    elif name in {"accept", "dispatch", "decline"}:
        case = in_state(State.REGISTERED)
    elif name in {"switch_mode", "convene", "terminate", "settle"}:
        case = in_state(State.SIT_IN)
        if name == "settle":
            signed_agreement(fresh(case))
    elif name == "conclude":
        case = in_state(State.JOINT_CONSULTATION)
    elif name == "reopen":
        case = in_state(State.FOLLOW_UP)
    else:
        raise ValueError(name)
    # The lawyer advises on every case: visible to them, but not theirs to move.
    do_assign_professional(
        fresh(case), actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    return fresh(case)


def _data(name: str, case: Case) -> dict[str, Any]:
    data: dict[str, Any] = {"version": case.version}
    steps: dict[str, dict[str, Any]] = {
        "decline": {"outcome": "declined_scope", "note": "属于行政复议范围，已引导至区政府"},
        "switch_mode": {"note": "当事人行动不便，改为上门"},
        "convene": {
            "question": "赔偿标准如何确定？",
            "invitees": [f"{user('judge').pk}:judge", f"{user('prosecutor').pk}:prosecutor"],
            "place": "调解室",
            "slot1": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "hours": "1.5",
        },
        "conclude": {"joint_opinion": "按实际损失赔偿", "attended": "王志刚、刘强"},
        "settle": {"amount_agreed": "800"},
        "reopen": {"reason": "双方均要求重新调解", "both_parties_ask": "on"},
        "terminate": {"outcome": "failed", "note": "双方分歧较大，已引导诉讼"},
        "answer_question": {"answer": "可先协商，协商不成可请物业或社区协调"},
    }
    data |= steps.get(name, {})
    return data


TARGET = {
    "accept": State.SIT_IN,
    "dispatch": State.PATROL,
    "decline": State.CLOSED,
    "switch_mode": State.PATROL,
    "convene": State.JOINT_CONSULTATION,
    "conclude": State.SIT_IN,
    "settle": State.FOLLOW_UP,
    "reopen": State.SIT_IN,
    "terminate": State.CLOSED,
    "answer_question": State.CLOSED,
}
ALLOWED = {name: MANAGERS for name in TARGET} | {"settle": {"mediator"}}


def _expected(name: str, username: str) -> int:
    visible = MANAGERS | {"lawyer"}
    if name == "conclude":
        visible = visible | {"judge", "police"}  # invited to the consultation
    if username in ALLOWED[name]:
        return 302
    return 403 if username in visible else 404


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("name", list(TARGET))
def test_each_role_may_fire_exactly_its_transitions(demo: None, name: str, username: str) -> None:
    case = _setup(name)
    events = CaseEvent.objects.filter(case=case, kind="transition").count()
    response = client_for(username).post(
        reverse("cases:fire_transition", args=[case.pk, name]), _data(name, case)
    )
    expected = _expected(name, username)
    assert response.status_code == expected, response.content.decode()[:500]
    after = fresh(case)
    if expected == 302:
        assert after.state == TARGET[name]
        assert CaseEvent.objects.filter(case=case, kind="transition").count() == events + 1
    else:
        assert after.state == case.state and after.version == case.version
        assert CaseEvent.objects.filter(case=case, kind="transition").count() == events


def test_the_detail_page_offers_only_the_steps_the_viewer_may_take_now(demo: None) -> None:
    case = in_state(State.SIT_IN)
    signed_agreement(fresh(case))
    mediator_page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    coordinator_page = client_for("coordinator").get(case.get_absolute_url()).content.decode()
    settle_url = reverse("cases:fire_transition", args=[case.pk, "settle"])
    convene_url = reverse("cases:fire_transition", args=[case.pk, "convene"])
    assert settle_url in mediator_page  # a committee mediator settles
    assert settle_url not in coordinator_page  # a coordinator does not
    assert convene_url in mediator_page  # its form invites the professionals
    reopen_url = reverse("cases:fire_transition", args=[case.pk, "reopen"])
    assert reopen_url not in mediator_page  # not from sit-in


def test_what_is_missing_before_acceptance_is_shown_instead_of_the_button(demo: None) -> None:
    case = in_state(State.REGISTERED, consented=False)
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert reverse("cases:fire_transition", args=[case.pk, "accept"]) not in page
    assert "同意调解" in page


def test_accepting_needs_every_partys_consent_and_notice(demo: None) -> None:
    case = in_state(State.REGISTERED, consented=False)
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "accept"]), {"version": case.version}
    )
    assert response.status_code == 400
    assert "同意调解" in response.content.decode()
    assert fresh(case).state == State.REGISTERED and not fresh(case).number


def test_a_refusing_party_blocks_settlement_and_is_a_reason_to_terminate(demo: None) -> None:
    case = in_state(State.SIT_IN)
    signed_agreement(fresh(case))
    refusing = case.parties.get(side="respondent")
    do_record_refusal(refusing, actor=user("mediator"), note="不愿继续调解")
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "settle"]), {"version": fresh(case).version}
    )
    assert response.status_code == 400 and fresh(case).state == State.SIT_IN
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "terminate"]),
        {"version": fresh(case).version, "outcome": "party_refuses", "note": "被申请人拒绝调解"},
    )
    assert response.status_code == 302
    assert fresh(case).outcome == "party_refuses" and fresh(case).state == State.CLOSED


def test_a_stale_form_is_refused_and_keeps_what_was_typed(demo: None) -> None:
    case = in_state(State.SIT_IN)
    stale_version = case.version
    do_switch_mode(fresh(case), actor=user("coordinator"), version=None)
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "terminate"]),
        {"version": stale_version, "outcome": "failed", "note": "双方分歧较大，已引导诉讼"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "此案件已被他人更新，请刷新" in page and "双方分歧较大，已引导诉讼" in page
    assert fresh(case).state == State.PATROL


def test_reopening_is_refused_without_a_court_refusal_or_both_parties(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "reopen"]),
        {"version": case.version, "reason": "一方未履行"},
    )
    assert response.status_code == 400
    assert "法院不予确认" in response.content.decode()
    assert fresh(case).state == State.FOLLOW_UP


def test_a_step_on_a_case_closed_meanwhile_says_it_changed_not_forbidden(demo: None) -> None:
    """Two mediators had the terminate form open; the second sees "updated by someone else",
    not a refusal about a state they never saw."""
    case = in_state(State.SIT_IN)
    seen = case.version
    do_terminate_case(
        fresh(case), actor=user("mediator"), version=seen, outcome="failed", note="甲"
    )
    with pytest.raises(StaleCase):
        do_terminate_case(
            fresh(case), actor=user("mediator"), version=seen, outcome="failed", note="乙"
        )
    assert CaseEvent.objects.filter(case=case, transition="terminate").count() == 1
