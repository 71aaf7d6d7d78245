"""One policy for a submission that fails, on every case page: a guard not met → 400 with the
reasons; not permitted → 403; a stale version → 409; a calendar clash → 409 with the clash.
Each time the form comes back as typed."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from cases.choices import State
from cases.follow_ups.actions import do_record_follow_up
from cases.mediation.actions import do_save_agreement, do_sign_agreement
from cases.models import Agreement, FollowUp, JointConsultation
from scheduling.actions import do_book_commitment
from tests.cases.consultations.test_consultation import _send
from tests.cases.factories import convened, fresh, in_state, signed_agreement, today, user
from tests.clinic.lib.shown import shown_version
from tests.conftest import client_for
from tests.form_payloads import seen_version


def test_a_step_the_case_cannot_take_now_is_400_with_the_reason(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "terminate"]),
        {"version": case.version, "outcome": "failed", "note": "双方分歧过大，建议起诉"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不能进行此操作" in body
    assert "双方分歧过大，建议起诉" in body  # the form as typed
    assert fresh(case).state == State.FOLLOW_UP


def test_signing_an_incomplete_agreement_is_400_with_what_is_missing(demo: None) -> None:
    case = in_state(State.SIT_IN)
    agreement = do_save_agreement(
        case, actor=user("mediator"), data={"form": "written", "facts": "漏水", "copies": 3}
    )
    response = client_for("mediator").post(
        reverse("cases:sign_agreement", args=[agreement.pk]),
        seen_version(agreement) | {"signed_on": today().isoformat()},
    )
    assert response.status_code == 400
    assert "请先填写调解协议的全部必填内容" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).signed_on is None


def test_a_signing_recorded_meanwhile_by_someone_else_is_409_with_the_form_as_typed(
    demo: None, monkeypatch
) -> None:
    case = in_state(State.SIT_IN)
    agreement = signed_agreement(case)
    Agreement.objects.filter(pk=agreement.pk).update(signed_on=None)
    real = do_sign_agreement

    def signed_first_by_a_colleague(agreement, **kwargs):
        real(agreement, actor=user("coordinator"), signed_on=today())
        return real(agreement, **kwargs)

    monkeypatch.setattr("cases.mediation.views.do_sign_agreement", signed_first_by_a_colleague)
    typed = (today() - timedelta(days=1)).isoformat()
    response = client_for("mediator").post(
        reverse("cases:sign_agreement", args=[agreement.pk]),
        seen_version(agreement) | {"signed_on": typed},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "他人已在此期间登记签署" in body
    assert f'value="{typed}"' in body


def test_correcting_an_agreement_someone_else_corrected_is_409_not_a_silent_second_version(
    demo: None,
) -> None:
    case = in_state(State.SIT_IN)
    agreement = signed_agreement(case)
    form = {
        "form": "written",
        "facts": "楼上卫生间防水层老化导致漏水",
        "responsibilities": "楼上住户承担维修和赔偿责任",
        "terms": "赔偿 900 元",
        "performance_manner": "现金当面支付",
        "copies": 3,
        "reason": "金额笔误",
    }
    url = reverse("cases:correct_agreement", args=[agreement.pk])
    assert client_for("mediator").post(url, form).status_code == 302
    response = client_for("mediator").post(url, {**form, "terms": "赔偿 950 元"})
    assert response.status_code == 409
    assert "赔偿 950 元" in response.content.decode()
    assert Agreement.objects.filter(supersedes=agreement).count() == 1


def test_a_follow_up_recorded_meanwhile_is_409_with_the_findings_kept(
    demo: None, monkeypatch
) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case, done_at__isnull=True)
    real = do_record_follow_up

    def recorded_first_by_a_colleague(follow_up, **kwargs):
        real(
            follow_up,
            actor=user("coordinator"),
            method="phone",
            performance="partly",
            satisfaction=3,
            findings="已付一半",
        )
        return real(follow_up, **kwargs)

    monkeypatch.setattr("cases.follow_ups.views.do_record_follow_up", recorded_first_by_a_colleague)
    url = reverse("cases:record_follow_up", args=[follow_up.pk])
    response = client_for("mediator").post(
        url,
        shown_version(client_for("mediator"), url)
        | {"method": "visit", "performance": "full", "satisfaction": 5, "findings": "已全部履行"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    # what the colleague recorded is listed; what this person typed is kept
    conflict = body.split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "已付一半" in conflict and "已全部履行" in body


def test_a_meeting_that_clashes_is_409_naming_who_is_busy(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    first, _second = consultation.slots.all()
    _send("judge", consultation, {"answer": "accepted", "slots": [first.pk]})
    do_book_commitment(
        user("judge"),
        starts_at=first.starts_at,
        ends_at=first.starts_at + timedelta(hours=1),
        kind="visit",
        title="庭审",
    )
    response = _send("mediator", consultation, {"slot": first.pk})
    assert response.status_code == 409
    body = response.content.decode()
    assert "王志刚" in body and "已有安排" in body
    assert JointConsultation.objects.get(pk=consultation.pk).meeting_id is None
