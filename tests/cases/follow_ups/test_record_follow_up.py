"""Recording a return visit: performed closes the case, partly or not performed is urged with a
new follow-up (never a reopen); a follow-up is recorded once."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.choices import State
from cases.models import FollowUp
from clinic.models import Notification
from scheduling.models import Commitment
from tests.cases.factories import fresh, in_state
from tests.clinic.lib.shown import shown_version
from tests.conftest import client_for
from tests.form_payloads import seen_version
from tests.scheduling.factories import at


def test_partial_performance_is_urged_with_a_new_follow_up_not_a_reopen(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    response = client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {
            "method": "visit",
            "performance": "partial",
            "satisfaction": "3",
            "findings": "只付了一半",
        },
    )
    assert response.status_code == 302
    assert fresh(case).state == State.FOLLOW_UP
    done, pending = FollowUp.objects.filter(case=case).order_by("pk")
    assert done.urged and done.done_at and pending.done_at is None
    assert pending.due_on == timezone.localdate() + timedelta(days=15)


def test_full_performance_closes_the_case(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {"method": "phone", "performance": "full", "satisfaction": "5", "findings": "已履行完毕"},
    )
    after = fresh(case)
    assert after.state == State.CLOSED and after.closed_at and after.outcome == "settled_written"
    assert after.events.filter(transition="complete_follow_up").count() == 1


def test_a_follow_up_recorded_twice_is_refused(demo: None) -> None:
    """The second to send their form (shown before the first recorded it) gets 409 and what
    the first recorded; the form is no longer offered."""
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    url = reverse("cases:record_follow_up", args=[follow_up.pk])
    shown = {who: shown_version(client_for(who), url) for who in ("mediator", "coordinator")}
    data = {"method": "phone", "performance": "full", "satisfaction": "5", "findings": "已履行"}
    assert client_for("mediator").post(url, shown["mediator"] | data).status_code == 302
    again = client_for("coordinator").post(
        url, shown["coordinator"] | data | {"findings": "未见履行"}
    )
    assert again.status_code == 409
    conflict = again.content.decode().split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "已履行" in conflict and "未见履行" in again.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).findings == "已履行"
    assert client_for("coordinator").get(url).status_code == 403


def test_planning_the_follow_up_visit_puts_it_in_my_calendar(demo: None) -> None:
    """Named regression: 在我的日程中安排上门 on a follow-up was a server error (the action read
    a field the follow-up did not have)."""
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    starts = at(days=4, hour=19)
    response = client_for("mediator").post(
        reverse("cases:schedule_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "hours": "1", "place": "申请人家中"},
        follow=True,
    )
    assert response.status_code == 200
    assert "上门安排已加入您的日程。" in response.content.decode()
    visit = Commitment.objects.get(person__username="mediator", starts_at=starts, active=True)
    assert visit.place == "申请人家中"
    assert FollowUp.objects.get(pk=follow_up.pk).appointment == visit


def test_the_form_chooses_no_performance_and_no_satisfaction_for_the_visitor(demo: None) -> None:
    """Named regression: the form arrived with 已全部履行 and 5 chosen, so a visitor who did
    not change them inflated both figures."""
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    page = client_for("mediator").get(reverse("cases:record_follow_up", args=[follow_up.pk]))
    html = page.content.decode()
    for name in ("performance", "satisfaction"):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
        assert select is not None
        options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[0])
        assert options[0] == ("", " selected", "请选择")
        assert not [value for value, chosen, _label in options[1:] if chosen]


def test_a_follow_up_without_performance_or_satisfaction_is_refused_in_chinese(
    demo: None,
) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    url = reverse("cases:record_follow_up", args=[follow_up.pk])
    client = client_for("mediator")
    no_performance = client.post(
        url,
        seen_version(follow_up)
        | {"method": "phone", "satisfaction": "4", "findings": "电话未说清"},
    )
    assert no_performance.status_code == 400
    assert "请选择协议的履行情况。" in no_performance.content.decode()
    no_satisfaction = client.post(
        url,
        seen_version(follow_up) | {"method": "phone", "performance": "full", "findings": "已履行"},
    )
    assert no_satisfaction.status_code == 400
    assert "请选择当事人的满意度（1 至 5）。" in no_satisfaction.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is None
    assert fresh(case).state == State.FOLLOW_UP


def test_not_performed_is_told_to_the_mediator_and_the_coordinator_at_once(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {"method": "visit", "performance": "none", "satisfaction": "2", "findings": "分文未付"},
    )
    told = Notification.objects.filter(key=f"follow_up:{follow_up.pk}:not_performed")
    assert set(told.values_list("user__username", flat=True)) == {"mediator", "coordinator"}
    assert all("协议未履行" in n.title for n in told)


def test_partly_performed_is_not_announced(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {
            "method": "visit",
            "performance": "partial",
            "satisfaction": "3",
            "findings": "付了一半",
        },
    )
    assert not Notification.objects.filter(key__endswith=":not_performed").exists()
