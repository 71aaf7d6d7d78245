from __future__ import annotations

from django.urls import reverse

from cases.choices import State
from cases.models import FollowUp
from clinic.actions import do_grant_role
from clinic.models import Community, User
from tests.cases.factories import fresh, in_state, user
from tests.conftest import client_for


def test_a_mediator_with_open_cases_is_not_deactivated_before_reassignment(demo: None) -> None:
    open_case = in_state(State.SIT_IN)
    follow_up_case = in_state(State.FOLLOW_UP)
    mediator = user("mediator")
    client = client_for("coordinator")
    page = client.get(reverse("clinic:deactivate_person", args=[mediator.pk])).content.decode()
    assert open_case.number in page and follow_up_case.number in page
    refused = client.post(
        reverse("clinic:deactivate_person", args=[mediator.pk]),
        {"reason": "退休", "seen_version": mediator.row_version},
    )
    assert refused.status_code == 400 and user("mediator").is_active

    successor = User.objects.create(username="new.mediator", display_name="新调解员")
    do_grant_role(
        successor, role="mediator", region=Community.objects.get(name="金江路社区"), actor=None
    )
    handed = FollowUp.objects.get(case=follow_up_case, done_at__isnull=True)
    moved = client.post(reverse("cases:reassign_person", args=[mediator.pk]), {"to": successor.pk})
    assert moved.status_code == 302
    assert fresh(open_case).mediator == successor
    follow_up = FollowUp.objects.get(pk=handed.pk)
    assert follow_up.assignee == successor
    # a page of the follow-up opened before the hand-over is out of date
    assert follow_up.row_version == handed.row_version + 1
    assert client_for("new.mediator").get(open_case.get_absolute_url()).status_code == 200
    assert client_for("mediator").get(open_case.get_absolute_url()).status_code == 404

    done = client.post(
        reverse("clinic:deactivate_person", args=[mediator.pk]),
        {"reason": "退休", "seen_version": user("mediator").row_version},
    )
    assert done.status_code == 302 and not user("mediator").is_active
