from __future__ import annotations

from django.urls import reverse

from cases.actions import do_assign_mediator
from cases.choices import State
from clinic.models import Notification
from tests.cases.factories import fresh, in_state, user
from tests.conftest import client_for


def test_a_coordinator_escalates_to_the_street_which_then_sees_and_handles_it(demo: None) -> None:
    case = in_state(State.SIT_IN)
    assert client_for("street").get(case.get_absolute_url()).status_code == 404
    response = client_for("coordinator").post(
        reverse("cases:escalate_case", args=[case.pk]),
        {"version": case.version, "reason": "涉及多户居民，需街道统筹"},
    )
    assert response.status_code == 302
    after = fresh(case)
    assert after.level == "street" and after.committee.level == "street"
    assert after.number == case.number  # keeps its number
    assert Notification.objects.filter(user__username="street").exists()
    assert client_for("street").get(case.get_absolute_url()).status_code == 200
    assert client_for("street_donghua").get(case.get_absolute_url()).status_code == 404
    # the street committee's mediator settles it once assigned
    do_assign_mediator(fresh(case), actor=user("street"), mediator=user("mediator_street"))
    assert fresh(case).permits("settle", user("mediator_street"))
    assert not fresh(case).permits("settle", user("mediator"))


def test_a_mediator_cannot_escalate(demo: None) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("mediator").post(
        reverse("cases:escalate_case", args=[case.pk]), {"version": case.version, "reason": "x"}
    )
    assert response.status_code == 403 and fresh(case).level == "community"


def test_referring_out_sets_the_level_and_closes_the_case(demo: None) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("coordinator").post(
        reverse("cases:refer_out", args=[case.pk]),
        {
            "version": case.version,
            "referred_to": "盘龙区人民法院",
            "reference": "(2026)云0103民初1234号",
            "note": "当事人坚持诉讼",
        },
    )
    assert response.status_code == 302
    after = fresh(case)
    assert (after.level, after.state, after.outcome) == ("referred_out", "closed", "referred_out")
    assert after.events.filter(transition="terminate").count() == 1
