"""Whom the follow-up's visitor goes to see: addresses shown, phones masked until revealed
for a call (each reveal audited), then tappable."""

from __future__ import annotations

from django.urls import reverse

from cases.choices import State
from cases.models import FollowUp
from clinic.models import AuditEntry
from tests.cases.factories import in_state, user
from tests.conftest import client_for


def _follow_up_of_the_grid_worker() -> FollowUp:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case)
    FollowUp.objects.filter(pk=follow_up.pk).update(assignee=user("gridworker"))
    return follow_up


def test_the_assignee_sees_the_addresses_and_reveals_the_phones_to_call(demo: None) -> None:
    follow_up = _follow_up_of_the_grid_worker()
    applicant = follow_up.case.parties.get(side="applicant")
    client = client_for("gridworker")
    page = client.get(reverse("cases:record_follow_up", args=[follow_up.pk])).content.decode()
    assert applicant.address in page
    assert applicant.phone not in page and "tel:" not in page
    assert "显示完整电话以便拨打（将被记录）" in page
    revealed = client.post(reverse("cases:reveal_follow_up", args=[follow_up.pk]))
    assert revealed.status_code == 200
    html = revealed.content.decode()
    assert f'href="tel:{applicant.phone}"' in html
    assert f'action="{reverse("cases:record_follow_up", args=[follow_up.pk])}"' in html
    entries = AuditEntry.objects.filter(event="reveal", user__username="gridworker")
    assert set(entries.values_list("object_id", flat=True)) == {
        str(p.pk) for p in follow_up.case.parties.exclude(side="agent") if p.phone
    }
    assert all(e.detail["follow_up"] == follow_up.pk for e in entries)


def test_someone_else_may_not_reveal_the_phones(demo: None) -> None:
    follow_up = _follow_up_of_the_grid_worker()
    url = reverse("cases:reveal_follow_up", args=[follow_up.pk])
    assert client_for("gridworker_jinse").post(url).status_code == 404
    assert client_for("judge").post(url).status_code == 404
    assert not AuditEntry.objects.filter(event="reveal").exists()


def test_the_reveal_is_a_post(demo: None) -> None:
    follow_up = _follow_up_of_the_grid_worker()
    url = reverse("cases:reveal_follow_up", args=[follow_up.pk])
    assert client_for("gridworker").get(url).status_code == 405
