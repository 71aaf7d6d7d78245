"""Follow-ups and the agreement's performance items: one follow-up per item still to be
performed, each saying which item it checks; urging sets the next follow-up on the next
performance date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.urls import reverse

from cases.choices import State
from cases.mediation.actions import (
    do_add_performance_item,
    do_save_agreement,
    do_settle_case,
    do_sign_agreement,
)
from cases.models import Case, FollowUp, PerformanceItem
from tests.cases.factories import fresh, in_state, today, user
from tests.conftest import client_for
from tests.form_payloads import seen_version


def _settled_in_instalments(*days: int) -> Case:
    """A case settled by an agreement paid in instalments, one this many days on each."""
    case = in_state(State.SIT_IN)
    mediator = user("mediator")
    agreement = do_save_agreement(
        case,
        actor=mediator,
        data={
            "form": "written",
            "facts": "借款两万元到期未还",
            "responsibilities": "借款人承担还款责任",
            "terms": "借款人分期归还借款",
            "performance_manner": "银行转账",
            "copies": 3,
        },
    )
    for number, day in enumerate(days, start=1):
        do_add_performance_item(
            agreement,
            actor=mediator,
            data={
                "description": f"第{number}期还款",
                "amount": Decimal("5000"),
                "due_on": today() + timedelta(days=day),
            },
        )
    do_sign_agreement(agreement, actor=mediator, signed_on=today())
    do_settle_case(fresh(case), actor=mediator, version=None)
    return fresh(case)


def _record(follow_up: FollowUp, performance: str) -> None:
    response = client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {"method": "phone", "performance": performance, "satisfaction": "3", "findings": "回访"},
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_one_follow_up_per_instalment_each_naming_its_item(demo: None) -> None:
    case = _settled_in_instalments(10, 40)
    first, second = FollowUp.objects.filter(case=case).order_by("due_on")
    assert first.performance_item is not None and second.performance_item is not None
    assert first.performance_item.description == "第1期还款"
    assert second.due_on == second.performance_item.due_on == today() + timedelta(days=40)
    form = client_for("mediator").get(reverse("cases:record_follow_up", args=[first.pk]))
    assert "本次回访核查的履行事项：第1期还款" in form.content.decode()
    detail = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "本次回访核查的履行事项：第2期还款" in detail


def test_the_urged_follow_up_falls_on_the_next_performance_date(demo: None) -> None:
    case = _settled_in_instalments(10, 40, 70)
    first = FollowUp.objects.filter(case=case).earliest("due_on")
    with time_machine.travel(today() + timedelta(days=11), tick=False):
        _record(first, "partial")
    urged = FollowUp.objects.filter(case=case).latest("pk")
    assert urged.due_on == today() + timedelta(days=40)  # not 15 days after the visit
    assert urged.performance_item == first.performance_item  # still to be performed


def test_an_urged_follow_up_with_no_later_date_to_come_is_due_in_15_days(demo: None) -> None:
    case = _settled_in_instalments(10, 20)
    first = FollowUp.objects.filter(case=case).earliest("due_on")
    visited = today() + timedelta(days=25)  # the second instalment's date is past
    with time_machine.travel(visited, tick=False):
        _record(first, "none")
    newest = FollowUp.objects.filter(case=case).latest("pk")
    assert newest.due_on == visited + timedelta(days=15)


def test_full_performance_marks_the_item_performed(demo: None) -> None:
    case = _settled_in_instalments(10, 40)
    first = FollowUp.objects.filter(case=case).earliest("due_on")
    on = today() + timedelta(days=10)
    with time_machine.travel(on, tick=False):
        _record(first, "full")
    performed = PerformanceItem.objects.filter(performed_on__isnull=False)
    assert [(item.description, item.performed_on) for item in performed] == [("第1期还款", on)]
    assert fresh(case).state == State.FOLLOW_UP  # the second instalment is still to come


def test_an_agreement_without_items_keeps_one_follow_up_and_15_days_of_urging(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.performance_item is None
    _record(follow_up, "partial")
    newest = FollowUp.objects.filter(case=case).latest("pk")
    assert newest.due_on == today() + timedelta(days=15)
