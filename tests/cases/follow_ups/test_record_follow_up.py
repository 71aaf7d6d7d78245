"""Recording a return visit: performed closes the case, partly or not performed is urged with a
new follow-up (never a reopen); a follow-up is recorded once."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.choices import State
from cases.models import FollowUp
from scheduling.models import Commitment
from tests.cases.factories import fresh, in_state
from tests.conftest import client_for
from tests.scheduling.factories import at


def test_partial_performance_is_urged_with_a_new_follow_up_not_a_reopen(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    response = client_for("mediator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]),
        {
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
        {"method": "phone", "performance": "full", "satisfaction": "5", "findings": "已履行完毕"},
    )
    after = fresh(case)
    assert after.state == State.CLOSED and after.closed_at and after.outcome == "settled_written"
    assert after.events.filter(transition="complete_follow_up").count() == 1


def test_a_follow_up_recorded_twice_is_refused(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    data = {"method": "phone", "performance": "full", "satisfaction": "5", "findings": "已履行"}
    client_for("mediator").post(reverse("cases:record_follow_up", args=[follow_up.pk]), data)
    again = client_for("coordinator").post(
        reverse("cases:record_follow_up", args=[follow_up.pk]), data
    )
    assert again.status_code == 403


def test_planning_the_follow_up_visit_puts_it_in_my_calendar(demo: None) -> None:
    """Named regression: 在我的日程中安排上门 on a follow-up was a server error (the action read
    a field the follow-up did not have)."""
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    starts = at(days=4, hour=19)
    response = client_for("mediator").post(
        reverse("cases:schedule_follow_up", args=[follow_up.pk]),
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "hours": "1", "place": "申请人家中"},
        follow=True,
    )
    assert response.status_code == 200
    assert "上门安排已加入您的日程。" in response.content.decode()
    visit = Commitment.objects.get(person__username="mediator", starts_at=starts, active=True)
    assert visit.place == "申请人家中"
    assert FollowUp.objects.get(pk=follow_up.pk).appointment == visit
