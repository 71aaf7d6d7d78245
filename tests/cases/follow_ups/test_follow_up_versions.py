"""A follow-up's visit planned from two pages at once: the second gets 409 and the visit the
first planned, which stays in the calendar. A performance item found performed goes up a
version (no form edits it; an open page about it is out of date)."""

from __future__ import annotations

from django.urls import reverse

from cases.choices import State
from cases.follow_ups.actions import do_record_follow_up
from cases.models import FollowUp, PerformanceItem
from scheduling.models import Commitment
from tests.cases.factories import in_state, user
from tests.cases.follow_ups.test_follow_up_items import _settled_in_instalments
from tests.clinic.lib.shown import shown_version
from tests.conftest import client_for
from tests.scheduling.factories import at


def _when(day: int) -> dict[str, str]:
    return {"starts_at": at(days=day, hour=19).strftime("%Y-%m-%dT%H:%M"), "hours": "1"}


def test_a_visit_planned_from_a_second_page_shows_the_first_plan(demo: None) -> None:
    follow_up = FollowUp.objects.get(case=in_state(State.FOLLOW_UP))
    url = reverse("cases:schedule_follow_up", args=[follow_up.pk])
    mediator = client_for("mediator")
    tab1, tab2 = shown_version(mediator, url), shown_version(mediator, url)
    assert mediator.post(url, tab1 | _when(5) | {"place": "申请人家中"}).status_code == 302
    lost = mediator.post(url, tab2 | _when(6) | {"place": "社区调解室"})
    assert lost.status_code == 409
    conflict = lost.content.decode().split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "上门回访安排" in conflict  # the visit planned first is listed
    planned = Commitment.objects.active().filter(person__username="mediator", kind="follow_up")
    assert [c.place for c in planned] == ["申请人家中"]


def test_a_performance_item_found_performed_goes_up_a_version(demo: None) -> None:
    case = _settled_in_instalments(10, 40)
    first = FollowUp.objects.filter(case=case).order_by("due_on").first()
    assert first is not None and first.performance_item is not None
    before = first.performance_item.row_version
    do_record_follow_up(
        first,
        actor=user("mediator"),
        method="phone",
        performance="full",
        satisfaction=5,
        findings="已付",
    )
    item = PerformanceItem.objects.get(pk=first.performance_item.pk)
    assert item.performed_on is not None and item.row_version == before + 1
