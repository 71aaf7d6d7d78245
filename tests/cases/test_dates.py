"""One date order for a case (cases/dates.py), through the pages that record dates:
registration (back-dated with a reason, shown as 补录) ≤ acceptance ≤ records ≤ signing ≤
performance items; a visit's start ≤ its outcome; the meeting ≤ a consultation's conclusion;
nothing that records what happened lies in the future. A refused date answers 400 with the
reason beside its field, and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.choices import State
from cases.mediation.actions import do_add_performance_item, do_save_agreement
from cases.models import Case, CaseEvent, JointConsultation, MediationRecord, VisitRequest
from cases.templatetags.case_timeline import event_lines
from cases.visits.actions import do_request_visit, do_schedule_visit
from clinic.models import Community, Grid
from tests.cases.consultations.test_consultation import _send
from tests.cases.factories import convened, fresh, in_state, party, today, user
from tests.conftest import client_for
from tests.form_payloads import seen_version
from tests.scheduling.factories import at

MINUTE = "%Y-%m-%dT%H:%M"


def _register(**extra: Any) -> Any:
    community = Community.objects.get(name="金江路社区")
    data = {
        "community": community.pk,
        "came_on": today().isoformat(),
        "source": "walk_in",
        "dispute_type": "neighbour",
        "summary": "楼上漏水",
        "persons_involved": 2,
    }
    for prefix, side, name in (
        ("applicant", "applicant", "赵建国"),
        ("respondent", "respondent", "钱丽"),
    ):
        for key, value in party(side=side, name=name).items():
            if value not in (None, False):
                data[f"{prefix}-{key}"] = "on" if value is True else value
    data.update(extra)
    return client_for("mediator").post(reverse("cases:register_dispute"), data)


def _errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_a_case_entered_late_is_registered_on_the_day_the_resident_came(demo: None) -> None:
    came = today() - timedelta(days=5)
    response = _register(came_on=came.isoformat(), backdate_reason="当日停电，系统无法录入")
    assert response.status_code == 302, response.content.decode()[:800]
    case = Case.objects.get()
    assert timezone.localdate(case.registered_at) == came
    event = CaseEvent.objects.get(case=case, payload__what="registered")
    assert timezone.localdate(event.at) == today()  # the real entry time is kept
    line = " ".join(event_lines(event))
    assert came.isoformat() in line and "当日停电，系统无法录入" in line
    assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") in line


def test_back_dating_needs_a_reason_and_stays_within_the_window(demo: None) -> None:
    response = _register(came_on=(today() - timedelta(days=3)).isoformat())
    assert response.status_code == 400 and _errors(response, "backdate_reason")
    response = _register(came_on=(today() - timedelta(days=31)).isoformat(), backdate_reason="补")
    assert response.status_code == 400 and _errors(response, "came_on")
    response = _register(came_on=(today() + timedelta(days=1)).isoformat())
    assert response.status_code == 400 and _errors(response, "came_on")
    assert not Case.objects.exists()


def _record(case: Case, held_at: Any) -> Any:
    return client_for("mediator").post(
        reverse("cases:add_record", args=[case.pk]),
        {
            "held_at": timezone.localtime(held_at).strftime(MINUTE),
            "place": "调解室",
            "attendees": "赵建国、钱丽",
            "statements": "双方陈述",
            "result": "继续调解",
        },
    )


def test_a_record_lies_between_the_acceptance_and_now(demo: None) -> None:
    case = in_state(State.SIT_IN)
    accepted = fresh(case).accepted_at
    assert accepted is not None
    before = accepted - timedelta(days=1)
    response = _record(case, before)
    assert response.status_code == 400 and _errors(response, "held_at")
    response = _record(case, timezone.now() + timedelta(hours=2))
    assert response.status_code == 400 and _errors(response, "held_at")
    assert not MediationRecord.objects.exists()
    assert _record(case, timezone.now()).status_code == 302


def _draft(case: Case) -> Any:
    return do_save_agreement(
        case,
        actor=user("mediator"),
        data={
            "form": "written",
            "facts": "漏水",
            "responsibilities": "楼上负责",
            "terms": "赔偿 800 元",
            "performance_manner": "现金",
            "copies": 3,
        },
    )


def test_signing_follows_the_records_and_precedes_every_performance_item(demo: None) -> None:
    due = today() - timedelta(days=1)
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        case = in_state(State.SIT_IN)
        agreement = _draft(fresh(case))
        do_add_performance_item(
            agreement, actor=user("mediator"), data={"description": "首期赔偿", "due_on": due}
        )
    assert _record(fresh(case), timezone.now() - timedelta(days=1)).status_code == 302
    url = reverse("cases:sign_agreement", args=[agreement.pk])
    mediator = client_for("mediator")
    # before the last record
    response = mediator.post(
        url, seen_version(agreement) | {"signed_on": (today() - timedelta(days=2)).isoformat()}
    )
    assert response.status_code == 400 and _errors(response, "signed_on")
    # the item added to the draft falls due before this signing day
    response = mediator.post(url, seen_version(agreement) | {"signed_on": today().isoformat()})
    assert response.status_code == 400
    assert any("首期赔偿" in e for e in _errors(response, "signed_on"))
    response = mediator.post(
        url, seen_version(agreement) | {"signed_on": (today() + timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 400 and _errors(response, "signed_on")
    agreement.refresh_from_db()
    assert agreement.signed_on is None
    response = mediator.post(
        url, seen_version(agreement) | {"signed_on": (today() - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 302, response.context["form"].errors


def test_a_performance_item_is_not_due_before_the_acceptance(demo: None) -> None:
    case = in_state(State.SIT_IN)
    agreement = _draft(fresh(case))
    response = client_for("mediator").post(
        reverse("cases:add_performance_item", args=[agreement.pk]),
        {
            "description": "赔偿",
            "amount": "800",
            "due_on": (today() - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400 and _errors(response, "due_on")
    assert not agreement.items.exists()


def test_a_consultation_is_concluded_at_or_after_its_meeting(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    first = consultation.slots.order_by("starts_at")[0]
    _send("judge", consultation, {"answer": "accepted", "slots": [first.pk]})
    _send("police", consultation, {"answer": "accepted", "slots": [first.pk]})
    assert _send("mediator", consultation, {"slot": first.pk}).status_code == 302
    conclude = {"joint_opinion": "每月 800 元为宜", "attended": "王志刚、刘强"}
    step = reverse("cases:fire_transition", args=[case.pk, "conclude"])
    response = client_for("mediator").post(step, {"version": fresh(case).version, **conclude})
    assert response.status_code == 400 and "每月 800 元为宜" in response.content.decode()
    assert JointConsultation.objects.get(pk=consultation.pk).concluded_at is None
    with time_machine.travel(first.starts_at + timedelta(hours=1), tick=False):
        response = client_for("mediator").post(step, {"version": fresh(case).version, **conclude})
    assert response.status_code == 302 and fresh(case).state == State.SIT_IN


def test_a_visit_outcome_follows_its_start_and_registers_the_case_on_the_visit_day(
    demo: None,
) -> None:
    community = Community.objects.get(name="金江路社区")
    visit = do_request_visit(
        actor=user("gridworker"),
        grid=Grid.objects.filter(community=community).order_by("code").first(),
        resident_name="王奶奶",
        resident_phone="13900000000",
        address="3 栋",
        problem="赡养纠纷",
        photos=[],
    )
    starts = at(days=1, hour=14)
    do_schedule_visit(
        visit,
        actor=user("coordinator"),
        professionals=[(user("lawyer"), "lawyer")],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="3 栋",
    )
    outcome = {
        "outcome": "dispute",
        "note": "双方同意调解",
        "respondent_name": "王大军",
        "applicant_consented": "on",
        "respondent_consented": "on",
    }
    url = reverse("cases:visit_outcome", args=[visit.pk])
    with time_machine.travel(starts + timedelta(days=2), tick=False):
        response = client_for("lawyer").post(
            url,
            seen_version(visit)
            | {**outcome, "visited_at": (starts - timedelta(hours=1)).strftime(MINUTE)},
        )
        assert response.status_code == 400 and _errors(response, "visited_at")
        assert VisitRequest.objects.get(pk=visit.pk).case is None
        visited = starts + timedelta(minutes=30)
        response = client_for("lawyer").post(
            url, seen_version(visit) | {**outcome, "visited_at": visited.strftime(MINUTE)}
        )
        assert response.status_code == 302
    case = VisitRequest.objects.get(pk=visit.pk).case
    assert case is not None and case.registered_at == visited
    accepted = fresh(case).accepted_at
    assert accepted is not None and accepted > visited  # acceptance stays real-time
