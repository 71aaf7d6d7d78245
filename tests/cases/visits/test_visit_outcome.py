"""The professional who made a home visit registers and dispatches the dispute from the outcome
form, each party's consent recorded at the door, and nothing more: the community's mediator and
coordinator take the case from there."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from cases.choices import State
from cases.models import Case, VisitRequest
from clinic.models import Notification
from tests.cases.visits.test_home_visits import _at_the_door, _request, _schedule
from tests.conftest import client_for
from tests.form_payloads import seen_version


def _outcome(visit: VisitRequest, **fields: str) -> Any:
    data = (
        seen_version(visit)
        | {"outcome": "dispute", "note": "上门了解情况", "respondent_name": "王大军"}
        | fields
    )
    with _at_the_door(visit):
        return client_for("lawyer").post(reverse("cases:visit_outcome", args=[visit.pk]), data)


def _visited(**fields: str) -> Case:
    visit = _request()
    assert _schedule(visit).status_code == 302
    response = _outcome(visit, **fields)
    assert response.status_code == 302, response.content.decode()[:600]
    case_id = VisitRequest.objects.get(pk=visit.pk).case_id
    assert case_id is not None
    return Case.objects.get(pk=case_id)


def _step(username: str, case: Case, name: str, **data: Any) -> Any:
    return client_for(username).post(
        reverse("cases:fire_transition", args=[case.pk, name]), {"version": case.version, **data}
    )


def test_the_outcome_form_asks_each_partys_consent_and_ticks_none_in_advance(demo: None) -> None:
    visit = _request()
    _schedule(visit)
    with _at_the_door(visit):
        page = client_for("lawyer").get(reverse("cases:visit_outcome", args=[visit.pk]))
    html = page.content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    names = {re.search(r'name="([^"]+)"', box).group(1) for box in boxes}  # type: ignore[union-attr]
    assert {"applicant_consented", "respondent_consented"} <= names
    assert not [box for box in boxes if "checked" in box]


def test_with_both_consents_the_dispute_is_dispatched_and_the_community_is_told(
    demo: None,
) -> None:
    case = _visited(applicant_consented="on", respondent_consented="on")
    assert case.state == State.PATROL and case.number
    consents = {p.name: p.consent_recorded_by for p in case.parties.all()}
    assert {name: who.username if who else None for name, who in consents.items()} == {
        "王奶奶": "lawyer",
        "王大军": "lawyer",
    }
    told = Notification.objects.filter(key=f"visit:{case.visit_requests.get().pk}:case:{case.pk}")
    assert {"mediator", "coordinator"} <= set(told.values_list("user__username", flat=True))
    assert "巡诊" in told.get(user__username="coordinator").title


def test_without_the_other_partys_consent_it_waits_registered_for_the_mediator(
    demo: None,
) -> None:
    case = _visited(applicant_consented="on")
    assert case.state == State.REGISTERED and not case.number
    other = case.parties.get(name="王大军")
    assert other.consented_at is None and other.notified_at is None
    assert Notification.objects.filter(
        user__username="coordinator", key__endswith=f":case:{case.pk}", title__contains="待受理"
    ).exists()


def test_the_visiting_professional_cannot_decline_or_accept_the_case(demo: None) -> None:
    case = _visited(applicant_consented="on")
    response = _step("lawyer", case, "decline", outcome="declined_scope", note="不属于调解范围")
    assert response.status_code == 403
    assert _step("lawyer", case, "accept").status_code == 403
    # dispatching is done from the outcome form, not later from the case page
    assert _step("lawyer", case, "dispatch").status_code == 403
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    page = client_for("lawyer").get(case.get_absolute_url()).content.decode()
    assert "不予受理" not in page and "step/dispatch/" not in page
    # the community's mediator still may
    assert "不予受理" in client_for("mediator").get(case.get_absolute_url()).content.decode()


def test_the_visiting_professional_cannot_end_or_settle_the_dispatched_case(demo: None) -> None:
    case = _visited(
        outcome="oral",
        applicant_consented="on",
        respondent_consented="on",
        agreement_terms="王大军每月 5 日前支付赡养费 800 元",
    )
    response = _step("lawyer", case, "terminate", outcome="failed", note="双方分歧较大")
    assert response.status_code == 403
    assert _step("lawyer", case, "settle").status_code == 403
    case.refresh_from_db()
    assert case.state == State.PATROL
    page = client_for("lawyer").get(case.get_absolute_url()).content.decode()
    assert "终止调解" not in page and "step/settle/" not in page
    assert "step/settle/" in client_for("mediator").get(case.get_absolute_url()).content.decode()
