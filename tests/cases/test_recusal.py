"""回避: another mediator of the same committee first; none, the street committee; mediators of
other committees never become the case's mediator and never settle; a mediator may step aside
herself, with a reason."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from guardian.shortcuts import assign_perm

from cases.choices import Level, State
from cases.models import Case, CaseEvent
from clinic.actions import do_create_person
from clinic.choices import Role
from clinic.models import Community, Notification, User
from tests.cases.factories import fresh, in_state, signed_agreement, user
from tests.conftest import client_for


def _second_mediator() -> User:
    return do_create_person(
        username="mediator2",
        password="clinic-demo-2026",
        display_name="孔凡英",
        actor=None,
        role=Role.MEDIATOR,
        region=Community.objects.get(name="金江路社区"),
    )


def _recuse(case: Case, hand_to: Any, **extra: Any) -> Any:
    party = case.parties.get(name="钱丽")
    return client_for("coordinator").post(
        reverse("cases:recuse_mediator", args=[case.pk]),
        {
            "version": case.version,
            "party": party.pk,
            "reason": "调解员与申请人系亲戚",
            "hand_to": hand_to,
        }
        | extra,
    )


def _offered(case: Case) -> str:
    return (
        client_for("coordinator")
        .get(reverse("cases:recuse_mediator", args=[case.pk]))
        .content.decode()
    )


def test_another_mediator_of_the_same_committee_is_offered_first(demo: None) -> None:
    second = _second_mediator()
    case = in_state(State.SIT_IN)
    page = _offered(case)
    assert "孔凡英" in page
    assert "上报街道调委会" not in page
    for other in ("mediator_jinse", "mediator_street"):
        assert str(user(other)) not in page
    assert _recuse(case, second.pk).status_code == 302
    case = fresh(case)
    assert case.mediator == second and case.level == Level.COMMUNITY
    assert client_for("mediator").get(case.get_absolute_url()).status_code == 404
    assert client_for("mediator2").get(case.get_absolute_url()).status_code == 200


def test_a_mediator_of_another_committee_is_refused(demo: None) -> None:
    _second_mediator()
    case = in_state(State.SIT_IN)
    for other in ("mediator_jinse", "mediator_street"):
        response = _recuse(case, user(other).pk)
        assert response.status_code == 400
        assert fresh(case).mediator == user("mediator")


def test_with_no_other_mediator_the_case_goes_to_the_street_committee(demo: None) -> None:
    case = in_state(State.SIT_IN)
    page = _offered(case)
    assert "本调委会无其他调解员：上报街道调委会" in page
    assert _recuse(case, "street").status_code == 302
    case = fresh(case)
    assert case.level == Level.STREET and case.committee.level == "street"
    assert case.mediator is None
    # the recused mediator no longer sees it; the street committee's mediators work and settle
    assert client_for("mediator").get(case.get_absolute_url()).status_code == 404
    assert client_for("mediator_street").get(case.get_absolute_url()).status_code == 200
    signed_agreement(case, by="mediator_street")
    assert fresh(case).permits("settle", user("mediator_street"))
    timeline = client_for("coordinator").get(case.get_absolute_url()).content.decode()
    assert "本调委会无其他调解员：案件上报街道调委会" in timeline


def test_the_street_is_not_offered_while_the_committee_has_another_mediator(demo: None) -> None:
    _second_mediator()
    case = in_state(State.SIT_IN)
    assert _recuse(case, "street").status_code == 400
    assert fresh(case).level == Level.COMMUNITY


def test_only_a_mediator_of_the_cases_committee_settles(demo: None) -> None:
    case = in_state(State.SIT_IN)
    signed_agreement(case)
    outsider = user("mediator_jinse")
    # even a stray grant to change the case does not make another committee's mediator settle
    assign_perm("view_case", outsider, case)
    assign_perm("change_case", outsider, case)
    case = fresh(case)
    assert case.permits("settle", user("mediator"))
    assert not case.permits("settle", outsider)
    response = client_for("mediator_jinse").post(
        reverse("cases:fire_transition", args=[case.pk, "settle"]), {"version": case.version}
    )
    assert response.status_code == 403 and fresh(case).state == State.SIT_IN


def _step_aside(username: str, case: Case, reason: str) -> Any:
    return client_for(username).post(
        reverse("cases:step_aside", args=[case.pk]), {"version": case.version, "reason": reason}
    )


def test_the_mediator_steps_aside_herself_with_a_reason(demo: None) -> None:
    case = in_state(State.SIT_IN)
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert reverse("cases:step_aside", args=[case.pk]) in page
    assert _step_aside("mediator", case, "   ").status_code == 400
    assert fresh(case).mediator == user("mediator")
    assert _step_aside("mediator", case, "与被申请人系同学").status_code == 302
    case = fresh(case)
    assert case.mediator is None
    assert client_for("mediator").get(case.get_absolute_url()).status_code == 404
    event = CaseEvent.objects.filter(case=case, kind="recused").get()
    assert event.note == "与被申请人系同学"
    assert Notification.objects.filter(
        user__username="coordinator", title__contains="自行回避"
    ).exists()
    timeline = client_for("coordinator").get(case.get_absolute_url()).content.decode()
    assert "自行回避" in timeline


def test_only_the_cases_own_mediator_steps_aside(demo: None) -> None:
    case = in_state(State.SIT_IN)
    assert _step_aside("coordinator", case, "无").status_code == 403
    page = client_for("coordinator").get(case.get_absolute_url()).content.decode()
    assert reverse("cases:step_aside", args=[case.pk]) not in page
    assert _step_aside("mediator_jinse", case, "无").status_code == 404
    assert fresh(case).mediator == user("mediator")


def test_a_recused_mediator_is_not_offered_the_case_again(demo: None) -> None:
    second = _second_mediator()
    case = in_state(State.SIT_IN)
    assert _recuse(case, second.pk).status_code == 302
    assert fresh(case).mediator == second
    assign = reverse("cases:assign_case", args=[case.pk])
    page = client_for("coordinator").get(assign).content.decode()
    assert f'value="{user("mediator").pk}"' not in page  # 张丽萍 was objected to
    response = client_for("coordinator").post(assign, {"mediator": user("mediator").pk})
    assert response.status_code == 400 and fresh(case).mediator == second


def test_stepping_aside_leaves_the_case_with_the_committee_when_it_has_another(
    demo: None,
) -> None:
    second = _second_mediator()
    case = in_state(State.SIT_IN)
    assert _step_aside("mediator", case, "与被申请人系同学").status_code == 302
    case = fresh(case)
    assert case.level == Level.COMMUNITY and case.mediator is None
    page = client_for("coordinator").get(reverse("cases:assign_case", args=[case.pk]))
    assert f'value="{second.pk}"' in page.content.decode()
    assert f'value="{user("mediator").pk}"' not in page.content.decode()


def test_the_only_mediator_stepping_aside_sends_the_case_to_the_street(demo: None) -> None:
    case = in_state(State.SIT_IN)
    page = client_for("mediator").get(reverse("cases:step_aside", args=[case.pk]))
    assert "上报街道调委会" in page.content.decode()
    assert _step_aside("mediator", case, "与被申请人系同学").status_code == 302
    case = fresh(case)
    assert case.level == Level.STREET and case.committee.level == "street"
    assert client_for("mediator_street").get(case.get_absolute_url()).status_code == 200
