"""An agreement draft edited by two people at once: the second to save gets 409, keeps what
they typed and sees the terms the first saved; nothing is reverted unseen. A signing sent
from a page shown before the terms changed is shown those changes, not recorded."""

from __future__ import annotations

from django.urls import reverse

from cases.choices import State
from cases.mediation.actions import do_save_agreement
from cases.models import Agreement
from tests.cases.factories import fresh, in_state, today, user
from tests.clinic.lib.shown import shown_version
from tests.conftest import client_for

TERMS = {
    "form": "written",
    "facts": "楼上卫生间漏水，楼下天花板受损",
    "responsibilities": "楼上住户承担维修责任",
    "terms": "赔偿 800 元",
    "performance_manner": "现金当面支付",
    "performance_deadline": "",
    "copies": "3",
}


def _draft() -> Agreement:
    case = in_state(State.SIT_IN)
    data = {**TERMS, "copies": 3, "performance_deadline": None}
    return do_save_agreement(fresh(case), actor=user("mediator"), data=data)


def test_two_people_edit_one_draft_the_second_sees_the_first_ones_terms(demo: None) -> None:
    agreement = _draft()
    url = reverse("cases:edit_agreement", args=[agreement.pk])
    mediator, coordinator = client_for("mediator"), client_for("coordinator")
    first, second = shown_version(mediator, url), shown_version(coordinator, url)
    saved = mediator.post(url, first | TERMS | {"terms": "赔偿 1000 元"})
    assert saved.status_code == 302
    lost = coordinator.post(url, second | TERMS | {"facts": "楼上水管破裂导致漏水"})
    assert lost.status_code == 409
    page = lost.content.decode()
    conflict = page.split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "赔偿 1000 元" in conflict  # what the other person changed
    assert "楼上水管破裂导致漏水" in page  # what this person typed, kept
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.terms == "赔偿 1000 元" and stored.facts == TERMS["facts"]  # nothing lost


def test_a_signing_from_a_page_shown_before_the_terms_changed_is_not_recorded(
    demo: None,
) -> None:
    agreement = _draft()
    url = reverse("cases:sign_agreement", args=[agreement.pk])
    shown = shown_version(client_for("mediator"), url)
    edit = reverse("cases:edit_agreement", args=[agreement.pk])
    coordinator = client_for("coordinator")
    changed = shown_version(coordinator, edit) | TERMS | {"terms": "赔偿 1000 元"}
    assert coordinator.post(edit, changed).status_code == 302
    response = client_for("mediator").post(url, shown | {"signed_on": today().isoformat()})
    assert response.status_code == 409
    assert "赔偿 1000 元" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).signed_on is None
