from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.choices import State
from cases.models import Case, FollowUp
from clinic.models import Grid, Notification
from clinic.notify.render import render_notification
from tests.cases.factories import fresh, in_state, signed_agreement, user
from tests.conftest import client_for
from tests.form_payloads import seen_version


def test_a_grid_worker_gets_the_follow_up_and_sees_only_that(demo: None) -> None:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    case = in_state(State.SIT_IN, grid=grid)
    signed_agreement(fresh(case))
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "settle"]),
        {"version": fresh(case).version, "follow_up_assignee": user("gridworker").pk},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.assignee.username == "gridworker"
    assert Notification.objects.filter(user__username="gridworker", key__contains="follow_ups")
    client = client_for("gridworker")
    page = client.get(reverse("cases:record_follow_up", args=[follow_up.pk])).content.decode()
    applicant = case.parties.get(side="applicant")
    assert applicant.name in page and applicant.phone not in page
    assert f"{applicant.phone[:3]}****{applicant.phone[-4:]}" in page
    assert "800 元" in page  # the agreed terms
    assert client.get(case.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {"method": "visit", "performance": "full", "satisfaction": "5", "findings": "已履行"},
    )
    assert response.status_code == 302 and fresh(case).state == State.CLOSED


def test_an_overdue_follow_up_is_in_the_daily_reminder_of_its_assignee_and_coordinator(
    demo: None,
) -> None:
    case = in_state(State.FOLLOW_UP)
    FollowUp.objects.filter(case=case).update(due_on=timezone.localdate() - timedelta(days=2))
    call_command("send_digests", stdout=io.StringIO())
    call_command("send_digests", stdout=io.StringIO())  # run twice: sent once
    for username in ("mediator", "coordinator"):
        [digest] = Notification.objects.filter(user__username=username, key__startswith="digest:")
        [line] = [line for line in render_notification(digest).body.splitlines() if "回访" in line]
        assert line == f"【新】回访自 {chinese_date(case)} 起已逾期：{case.number}（已逾期 2 天）"
    reminders = ("cases.follow_up_due", "cases.follow_up_overdue")
    assert not Notification.objects.filter(template__in=reminders)  # no notice of its own


def chinese_date(case: Case) -> str:
    due = FollowUp.objects.get(case=case).due_on
    return f"{due.year}年{due.month}月{due.day}日"


def test_a_new_risk_at_a_follow_up_alerts_the_coordinator(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        seen_version(follow_up)
        | {
            "method": "visit",
            "performance": "none",
            "satisfaction": "2",
            "findings": "未履行",
            "new_risk": "双方再次发生争吵，有动手迹象",
        },
    )
    assert Notification.objects.filter(user__username="coordinator", key__endswith=":risk")
