"""Joint consultations: invitations answered, a meeting fixed into calendars, each opinion
and the joint one recorded; invitees see that case and no other."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse

from cases.choices import State
from cases.models import ConsultationInvitee, JointConsultation
from scheduling.models import Commitment
from tests.cases.factories import (
    convened,
    fresh,
    in_state,
    registered_dispute,
    signed_agreement,
)
from tests.conftest import client_for
from tests.form_payloads import seen_version


def _send(username: str, consultation: JointConsultation, data: dict[str, Any]) -> Any:
    """``data`` sent from the consultation page as ``username``, with the version the page
    shows: of the consultation (the meeting form) or of their own invitation."""
    record: Any = (
        JointConsultation.objects.get(pk=consultation.pk)
        if "slot" in data
        else ConsultationInvitee.objects.filter(
            consultation=consultation, user__username=username
        ).first()
    )
    url = reverse("cases:consultation", args=[consultation.pk])
    return client_for(username).post(url, seen_version(record) | data)


def test_invitees_answer_the_meeting_is_fixed_and_opinions_recorded(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    assert fresh(case).state == State.JOINT_CONSULTATION
    first, second = consultation.slots.all()
    _send("judge", consultation, {"answer": "accepted", "slots": [first.pk, second.pk]})
    _send("police", consultation, {"answer": "accepted", "slots": [first.pk]})
    assert set(ConsultationInvitee.objects.values_list("response", flat=True)) == {"accepted"}
    response = _send("mediator", consultation, {"slot": first.pk})
    assert response.status_code == 302
    meetings = Commitment.objects.active().filter(kind="meeting")
    assert {c.person.username for c in meetings} == {"judge", "police", "mediator"}
    _send("judge", consultation, {"opinion": "建议参照当地人均消费支出确定赡养费"})
    _send("police", consultation, {"opinion": "注意防范家庭矛盾激化"})
    assert all(i.opinion for i in ConsultationInvitee.objects.all())
    with time_machine.travel(first.starts_at + timedelta(hours=2), tick=False):  # they met
        response = client_for("mediator").post(
            reverse("cases:fire_transition", args=[case.pk, "conclude"]),
            {
                "version": fresh(case).version,
                "joint_opinion": "每月 800 元为宜",
                "attended": "王志刚、刘强",
            },
        )
    assert response.status_code == 302 and fresh(case).state == State.SIT_IN


def test_a_declined_invitee_gets_no_meeting_in_their_calendar(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    slot = consultation.slots.first()
    assert slot is not None
    _send("judge", consultation, {"answer": "accepted", "slots": [slot.pk]})
    _send("police", consultation, {"answer": "declined"})
    _send("mediator", consultation, {"slot": slot.pk})
    people = set(Commitment.objects.active().values_list("person__username", flat=True))
    assert "police" not in people and "judge" in people


def test_an_invitee_sees_the_case_but_no_other(demo: None) -> None:
    case = in_state(State.SIT_IN)
    other = registered_dispute(summary="另一起纠纷")
    convened(case)
    judge = client_for("judge")
    assert judge.get(case.get_absolute_url()).status_code == 200
    assert judge.get(other.get_absolute_url()).status_code == 404
    assert (
        client_for("prosecutor")
        .get(reverse("cases:consultation", args=[JointConsultation.objects.get().pk]))
        .status_code
        == 404
    )


def test_the_convener_may_settle_straight_after_the_consultation(demo: None) -> None:
    case = in_state(State.SIT_IN)
    signed_agreement(fresh(case))
    convened(fresh(case))
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "conclude"]),
        {
            "version": fresh(case).version,
            "joint_opinion": "同意调解协议内容",
            "attended": "王志刚、刘强",
            "settle_now": "on",
        },
    )
    assert response.status_code == 302 and fresh(case).state == State.FOLLOW_UP


def test_concluding_and_settling_without_an_agreement_keeps_the_typed_joint_opinion(
    demo: None,
) -> None:
    """Named regression: 结束会诊 with 随即调解成功 ticked on a case with no agreement was a
    server error (the settlement read the missing agreement), and the joint opinion was lost."""
    case = in_state(State.SIT_IN)
    convened(fresh(case))
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "conclude"]),
        {
            "version": fresh(case).version,
            "joint_opinion": "建议按照评估价赔偿，双方各让一步",
            "attended": "王志刚、刘强",
            "settle_now": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "建议按照评估价赔偿，双方各让一步" in page  # the opinion comes back as typed
    assert "协议" in page  # the reason names the missing agreement
    assert fresh(case).state == State.JOINT_CONSULTATION
    assert JointConsultation.objects.get(case=case).concluded_at is None


def _answered_and_fixed(case: Any) -> tuple[JointConsultation, Any]:
    """Convened, the judge and the police officer accept the first time, the meeting fixed."""
    consultation = convened(case)
    slot = consultation.slots.first()
    assert slot is not None
    _send("judge", consultation, {"answer": "accepted", "slots": [slot.pk]})
    _send("police", consultation, {"answer": "accepted", "slots": [slot.pk]})
    assert _send("mediator", consultation, {"slot": slot.pk}).status_code == 302
    return consultation, slot


def _conclude(case: Any) -> Any:
    return client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "conclude"]),
        {"version": fresh(case).version, "joint_opinion": "每月 800 元为宜", "attended": "王志刚"},
    )


def test_an_invitee_who_declined_gives_no_opinion(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    url = reverse("cases:consultation", args=[consultation.pk])
    police = client_for("police")
    _send("police", consultation, {"answer": "declined"})
    page = police.get(url).content.decode()
    assert 'name="opinion"' not in page  # no opinion form offered
    refused = _send("police", consultation, {"opinion": "注意防范家庭矛盾激化"})
    assert refused.status_code == 400
    assert "您已谢绝参加本次会诊" in refused.content.decode()
    assert ConsultationInvitee.objects.get(user__username="police").opinion == ""
    judge_page = client_for("judge").get(url).content.decode()
    assert 'name="opinion"' in judge_page  # one who has not declined may


def test_a_consultation_is_not_concluded_before_its_meeting(demo: None) -> None:
    case = in_state(State.SIT_IN)
    _consultation, _slot = _answered_and_fixed(case)
    response = _conclude(case)
    assert response.status_code == 400
    assert "每月 800 元为宜" in response.content.decode()  # kept as typed
    assert fresh(case).state == State.JOINT_CONSULTATION
    assert Commitment.objects.active().filter(kind="meeting").count() == 3


def test_concluding_releases_the_meeting_from_everyones_calendar(demo: None) -> None:
    case = in_state(State.SIT_IN)
    _consultation, slot = _answered_and_fixed(case)
    meetings = Commitment.objects.active().filter(kind="meeting")
    assert {c.person.username for c in meetings} == {"judge", "police", "mediator"}
    with time_machine.travel(slot.starts_at + timedelta(minutes=30), tick=False):
        assert _conclude(case).status_code == 302
    assert not Commitment.objects.active().filter(kind="meeting").exists()
    assert not ConsultationInvitee.objects.exclude(commitment=None).exists()


def test_an_invitee_who_declines_after_the_meeting_was_fixed_is_freed(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation, _slot = _answered_and_fixed(case)
    _send("police", consultation, {"answer": "declined"})
    people = set(Commitment.objects.active().values_list("person__username", flat=True))
    assert people == {"judge", "mediator"}


def test_fixing_the_meeting_again_moves_the_convener_too(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation, first = _answered_and_fixed(case)
    second = consultation.slots.exclude(pk=first.pk).get()
    _send("judge", consultation, {"answer": "accepted", "slots": [second.pk]})
    _send("mediator", consultation, {"slot": second.pk})
    mine = Commitment.objects.active().filter(person__username="mediator", kind="meeting")
    assert [c.starts_at for c in mine] == [second.starts_at]


def test_ending_the_case_during_a_consultation_releases_the_meeting(demo: None) -> None:
    """A dispute withdrawn while its consultation is open: the meeting leaves every calendar,
    as it does when the consultation concludes."""
    case = in_state(State.SIT_IN)
    consultation, _slot = _answered_and_fixed(case)
    assert Commitment.objects.active().filter(kind="meeting").count() == 3
    versions = dict(consultation.invitees.values_list("pk", "row_version"))
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "terminate"]),
        {"version": fresh(case).version, "outcome": "withdrawn", "note": "申请人撤回调解申请"},
    )
    assert response.status_code == 302 and fresh(case).state == State.CLOSED
    assert not Commitment.objects.active().filter(kind="meeting").exists()
    # an invitee's answer page opened before is out of date
    after = dict(consultation.invitees.values_list("pk", "row_version"))
    assert all(after[pk] > seen for pk, seen in versions.items())
