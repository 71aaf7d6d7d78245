"""Escalation to the street committee, end to end: the street's mediators work the case at once,
the community mediator who had it keeps reading it and sees where it went, and the case keeps
the number its community committee issued (README, "Escalation and numbering")."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from cases.choices import Level, State
from cases.intake.actions import do_accept_case
from cases.models import Case, MediationRecord
from cases.statistics import figures
from clinic.actions import do_create_person
from clinic.choices import Role
from clinic.models import Community, MediationCommittee, Notification, Street
from tests.cases.factories import fresh, in_state, registered_dispute, signed_agreement, user
from tests.conftest import client_for


def _escalated(state: str = State.SIT_IN) -> Case:
    case = in_state(state)
    response = client_for("coordinator").post(
        reverse("cases:escalate_case", args=[case.pk]),
        {"version": case.version, "reason": "涉及两个社区的相邻关系，需街道协调"},
    )
    assert response.status_code == 302, response.content.decode()[:600]
    return fresh(case)


def _record(username: str, case: Case) -> Any:
    return client_for(username).post(
        reverse("cases:add_record", args=[case.pk]),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "联盟街道调解室",
            "attendees": "赵建国、钱丽、段永福",
            "statements": "双方陈述漏水经过",
            "result": "约定下周再调",
        },
    )


def test_the_street_mediator_opens_and_works_the_case_at_once(demo: None) -> None:
    case = _escalated()
    assert case.level == Level.STREET and case.committee.level == "street"
    assert client_for("mediator_street").get(case.get_absolute_url()).status_code == 200
    assert _record("mediator_street", case).status_code == 302
    assert MediationRecord.objects.filter(case=case, recorded_by__username="mediator_street")
    assert Notification.objects.filter(
        user__username="mediator_street", key=f"case:{case.pk}:escalated"
    ).exists()


def test_a_mediator_joining_the_street_committee_later_works_its_escalated_cases(
    demo: None,
) -> None:
    case = _escalated()
    newcomer = do_create_person(
        username="mediator_street2",
        password="clinic-demo-2026",
        display_name="鲁文静",
        actor=None,
        role=Role.MEDIATOR,
        region=Street.objects.get(name="联盟街道"),
    )
    assert newcomer.has_perm("cases.change_case", case)
    assert client_for("mediator_street2").get(case.get_absolute_url()).status_code == 200
    assert _record("mediator_street2", case).status_code == 302


def test_the_street_mediator_may_settle_it(demo: None) -> None:
    case = _escalated()
    signed_agreement(case, by="mediator_street")
    assert fresh(case).permits("settle", user("mediator_street"))
    assert not fresh(case).permits("settle", user("mediator"))


def test_the_community_mediator_reads_it_sees_where_it_went_and_changes_nothing(
    demo: None,
) -> None:
    case = _escalated()
    page = client_for("mediator").get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "已上报街道：联盟街道人民调解委员会" in html
    assert "涉及两个社区的相邻关系" in html and "上报街道" in html
    assert _record("mediator", case).status_code == 403
    assert client_for("mediator").get(reverse("cases:edit_case", args=[case.pk])).status_code == 403
    assert not MediationRecord.objects.filter(case=case).exists()
    assert Notification.objects.filter(
        user__username="mediator", key=f"case:{case.pk}:escalated:from"
    ).exists()


def test_the_case_keeps_its_community_number_and_each_register_marks_it(demo: None) -> None:
    case = in_state(State.SIT_IN)
    number = case.number
    community = MediationCommittee.objects.get(community__name="金江路社区")
    case = _escalated_from(case)
    assert case.number == number and case.numbered_by == community
    for username, mark, other in [
        ("coordinator", "上报街道", "接收上报"),
        ("mediator", "上报街道", "接收上报"),
        ("street", "接收上报", "上报街道"),
        ("mediator_street", "接收上报", "上报街道"),
    ]:
        listed = client_for(username).get(reverse("cases:case_list")).content.decode()
        assert number in listed, username
        assert mark in listed and other not in listed, username
        page = client_for(username).get(case.get_absolute_url()).content.decode()
        assert mark in page, username


def _escalated_from(case: Case) -> Case:
    response = client_for("coordinator").post(
        reverse("cases:escalate_case", args=[case.pk]),
        {"version": case.version, "reason": "需街道协调"},
    )
    assert response.status_code == 302
    return fresh(case)


def test_the_street_numbers_its_own_cases_without_gaps_or_clashes(demo: None) -> None:
    _escalated()
    # a dispute escalated before it was accepted is numbered by the street committee
    waiting = registered_dispute()
    waiting = _escalated_from(waiting)
    do_accept_case(waiting, actor=user("mediator_street"), version=None)
    waiting = fresh(waiting)
    street = MediationCommittee.objects.get(street__name="联盟街道", level="street")
    assert waiting.numbered_by == street and waiting.number_seq == 1
    assert f"{street.case_prefix}人调字第1号" in waiting.number
    # the community's register goes on from its last number
    assert in_state(State.SIT_IN).number_seq == 2


def test_an_escalated_case_is_accepted_once_in_the_street_figures(demo: None) -> None:
    case = _escalated()
    today = timezone.localdate()
    street = list(Community.objects.filter(street__name="联盟街道"))
    report = figures.compute(street, figures.month_period(today.year, today.month), "")
    assert report.total.accepted == 1
    assert case.accepted_at is not None
