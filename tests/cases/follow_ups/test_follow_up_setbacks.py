"""What went wrong after the settlement, as a follow-up records it (转为刑事案件, 引发群体性上访
or 事件, the agreement changed, revoked or declared invalid by a court, 申请支付令): kept with
the follow-up, on the case's timeline and its page, a court's undoing of the agreement on the
agreement itself, told to the mediator and the coordinators."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cases.choices import State
from cases.models import FollowUp, FollowUpSetback
from clinic.models import Notification
from tests.cases.factories import in_state
from tests.conftest import client_for
from tests.form_payloads import seen_version

VISIT = {"method": "visit", "performance": "partial", "satisfaction": "2", "findings": "未履行完毕"}


def record(follow_up: FollowUp, **sent: Any) -> Any:
    return client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up) | VISIT | sent,
    )


def test_a_follow_up_records_what_went_wrong_and_the_case_shows_it(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    response = record(
        follow_up,
        setbacks=["payment_order", "revoked"],
        setback_note="盘龙区人民法院（2026）云0103民特12号裁定撤销",
    )
    assert response.status_code == 302
    assert set(
        FollowUpSetback.objects.filter(follow_up=follow_up).values_list("kind", flat=True)
    ) == {
        "revoked",
        "payment_order",
    }
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    timeline = page.split('<ol class="timeline">', 1)[1]
    # in the order the form offers them, whatever order they were sent in
    assert "出现的问题：协议被法院撤销、申请支付令" in timeline
    # the agreement section says the court revoked it, with the court's decision
    agreement = page.split("协议被法院撤销", 1)[1].split("</p>", 1)[0]
    assert "复诊时发现" in agreement and "民特12号" in agreement
    # the follow-up lists both
    assert page.count("申请支付令") >= 2
    told = Notification.objects.filter(title__contains="调解后出现问题")
    assert {n.user.username for n in told} >= {"mediator", "coordinator"}


def test_a_follow_up_without_setbacks_records_none(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    assert record(follow_up).status_code == 302
    assert not FollowUpSetback.objects.exists()
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "出现的问题" not in page


def test_a_note_without_anything_ticked_is_refused(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    response = record(follow_up, setback_note="当事人说要去法院")
    assert response.status_code == 400
    assert "请勾选出现的问题，或将说明留空。" in response.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is None


def test_an_unknown_setback_is_refused(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    assert record(follow_up, setbacks=["appealed"]).status_code == 400
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is None
