from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.changes import ActionRefused
from cases.choices import State
from cases.mediation.actions import (
    do_add_performance_item,
    do_save_agreement,
    do_settle_case,
    do_sign_agreement,
    do_update_confirmation,
)
from cases.models import Agreement, FollowUp
from tests.cases.factories import fresh, in_state, signed_agreement, user
from tests.conftest import client_for


def test_a_signed_agreement_is_read_only_and_corrected_by_a_new_version(demo: None) -> None:
    case = in_state(State.SIT_IN)
    agreement = signed_agreement(fresh(case))
    client = client_for("mediator")
    assert client.get(reverse("cases:edit_agreement", args=[agreement.pk])).status_code == 403
    with pytest.raises(ActionRefused):
        do_save_agreement(
            fresh(case), actor=user("mediator"), data={"terms": "改"}, agreement=agreement
        )
    response = client.post(
        reverse("cases:correct_agreement", args=[agreement.pk]),
        {
            "form": "written",
            "facts": agreement.facts,
            "responsibilities": agreement.responsibilities,
            "terms": "楼上住户赔偿楼下住户人民币 900 元",
            "performance_manner": agreement.performance_manner,
            "copies": 3,
            "reason": "赔偿金额笔误",
        },
    )
    assert response.status_code == 302
    corrected = fresh(case).current_agreement
    assert corrected is not None
    assert corrected.version == 2 and corrected.supersedes == agreement
    assert corrected.signed_on is None and corrected.correction_reason == "赔偿金额笔误"
    assert Agreement.objects.get(pk=agreement.pk).terms.endswith("800 元，并于 7 日内修复防水层")
    assert agreement.history.count() >= 2  # field history kept


def test_signing_opens_the_thirty_day_confirmation_window(demo: None) -> None:
    case = in_state(State.SIT_IN)
    signed_agreement(fresh(case))
    due = fresh(case).confirmation_due
    assert due is not None and due >= timezone.localdate() + timedelta(days=30)


def test_an_incomplete_written_agreement_cannot_be_signed(demo: None) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("mediator").post(
        reverse("cases:new_agreement", args=[case.pk]),
        {"form": "written", "facts": "漏水", "terms": "赔偿", "copies": 3},
    )
    assert response.status_code == 400  # the form says what a written agreement must state
    assert "书面调解协议须载明此项" in response.content.decode()
    assert not Agreement.objects.exists()


def test_settling_schedules_one_follow_up_per_instalment(demo: None) -> None:
    case = in_state(State.SIT_IN)
    agreement = do_save_agreement(
        fresh(case),
        actor=user("mediator"),
        data={
            "form": "written",
            "facts": "拖欠货款 3000 元",
            "responsibilities": "被申请人承担还款责任",
            "terms": "分三期偿还",
            "performance_manner": "银行转账",
            "copies": 3,
        },
    )
    today = timezone.localdate()
    for month in (1, 2, 3):
        do_add_performance_item(
            agreement,
            actor=user("mediator"),
            data={
                "description": f"第{month}期",
                "amount": 1000,
                "due_on": today + timedelta(30 * month),
            },
        )
    do_sign_agreement(agreement, actor=user("mediator"), signed_on=today)
    do_settle_case(fresh(case), actor=user("mediator"), version=None)
    due = sorted(FollowUp.objects.filter(case=case).values_list("due_on", flat=True))
    assert due == [today + timedelta(30 * m) for m in (1, 2, 3)]


def test_a_court_refusal_allows_mediating_again(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    agreement = fresh(case).current_agreement
    assert agreement is not None
    do_update_confirmation(
        agreement,
        actor=user("mediator"),
        data={
            "confirmation": "refused",
            "confirmation_court": "盘龙区人民法院",
            "confirmation_decided_on": timezone.localdate(),
        },
    )
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "reopen"]),
        {"version": fresh(case).version, "reason": "法院裁定不予确认"},
    )
    assert response.status_code == 302
    after = fresh(case)
    assert after.state == State.SIT_IN and after.settled_at is None
    # the follow-up of the settlement that no longer stands is cancelled, not deleted
    assert not FollowUp.objects.filter(case=case).pending().exists()
    assert FollowUp.objects.filter(case=case, cancelled_at__isnull=False).count() == 1


def test_an_extension_needs_a_later_date_and_is_logged(demo: None) -> None:
    case = in_state(State.SIT_IN)
    client = client_for("mediator")
    past = client.post(
        reverse("cases:extend_deadline", args=[case.pk]),
        {"version": case.version, "new_due": "2020-01-01", "reason": "x", "consent": "x"},
    )
    assert past.status_code == 400 and "新期限须晚于今天" in past.content.decode()
    assert case.mediation_due is not None
    new_due = case.mediation_due + timedelta(days=15)
    ok = client.post(
        reverse("cases:extend_deadline", args=[case.pk]),
        {
            "version": case.version,
            "new_due": new_due.isoformat(),
            "reason": "需等待房屋鉴定结果",
            "consent": "双方于调解现场口头同意并签字",
        },
    )
    assert ok.status_code == 302 and fresh(case).mediation_due == new_due
    event = fresh(case).events.get(kind="extended")
    assert event.payload["consent"] == "双方于调解现场口头同意并签字"
