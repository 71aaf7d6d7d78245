"""Keyword-only factories for cases, set up through the actions like a real user would."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cases.choices import AgreementForm, State
from cases.consultations.actions import do_convene_consultation
from cases.follow_ups.actions import do_record_follow_up
from cases.intake.actions import do_accept_case, do_dispatch_case, do_register_dispute
from cases.mediation.actions import do_save_agreement, do_settle_case, do_sign_agreement
from cases.models import Case, FollowUp, JointConsultation
from clinic.lib.ids import with_check_character
from clinic.models import Community, User
from tests.conftest import client_for
from tests.scheduling.factories import at

_serial = count(1)


def resident_id(*, birth: str = "19700101") -> str:
    """A valid resident ID number of 盘龙区 (530103) with a fresh serial."""
    return with_check_character(f"530103{birth}{next(_serial) % 1000:03d}")


def party(*, side: str, name: str, consented: bool = True, **fields: Any) -> dict[str, Any]:
    data = {
        "side": side,
        "name": name,
        "gender": "",
        "id_type": "resident_id",
        "id_number": resident_id(),
        "phone": f"138{next(_serial):08d}",
        "address": "金江路社区 12 栋",
        "room": "2 单元 501",
        "consented": consented,
        "notice_method": "written" if consented else "",
    }
    data.update(fields)
    return data


def user(username: str) -> User:
    return User.objects.get(username=username)


def registered_dispute(
    *,
    by: str = "mediator",
    community: str = "金江路社区",
    consented: bool = True,
    parties: list[dict[str, Any]] | None = None,
    mediator: str | None = "mediator",
    **fields: Any,
) -> Case:
    actor = user(by)
    defaults: dict[str, Any] = {
        "source": "walk_in",
        "dispute_type": "neighbour",
        "summary": "楼上卫生间漏水，楼下天花板受损",
        "persons_involved": 2,
    }
    defaults.update(fields)
    return do_register_dispute(
        actor=actor,
        community=Community.objects.get(name=community),
        parties=parties
        or [
            party(side="applicant", name="赵建国", consented=consented),
            party(side="respondent", name="钱丽", consented=consented),
        ],
        mediator=user(mediator) if mediator else None,
        **defaults,
    )


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def in_state(state: str, *, by: str = "mediator", **fields: Any) -> Case:
    """A dispute of 金江路社区 brought into ``state`` through the actions."""
    case = registered_dispute(by=by, **fields)
    if state == State.REGISTERED:
        return case
    actor = user(by)
    if state == State.PATROL:
        do_dispatch_case(fresh(case), actor=actor, version=None)
        return fresh(case)
    do_accept_case(fresh(case), actor=actor, version=None)
    if state == State.SIT_IN:
        return fresh(case)
    if state == State.JOINT_CONSULTATION:
        do_convene_consultation(
            fresh(case),
            actor=actor,
            version=None,
            question="赔偿标准如何确定？",
            invitees=[(user("judge"), "judge"), (user("police"), "police")],
        )
        return fresh(case)
    if state in (State.FOLLOW_UP, State.CLOSED):
        settle(fresh(case), by=by)
        if state == State.CLOSED:
            follow_up = FollowUp.objects.get(case=case, done_at__isnull=True)
            do_record_follow_up(
                follow_up,
                actor=actor,
                method="phone",
                performance="full",
                satisfaction=5,
                findings="已按约赔付",
            )
        return fresh(case)
    raise ValueError(state)


def signed_agreement(case: Case, *, by: str = "mediator", form: str = AgreementForm.WRITTEN) -> Any:
    actor = user(by)
    agreement = do_save_agreement(
        case,
        actor=actor,
        data={
            "form": form,
            "facts": "楼上卫生间防水层老化导致漏水",
            "responsibilities": "楼上住户承担维修和赔偿责任",
            "terms": "楼上住户赔偿楼下住户人民币 800 元，并于 7 日内修复防水层",
            "performance_manner": "现金当面支付，修复后双方共同验收",
            "copies": 3,
        },
    )
    do_sign_agreement(agreement, actor=actor, signed_on=timezone.localdate())
    return agreement


def settle(case: Case, *, by: str = "mediator") -> Case:
    signed_agreement(case, by=by)
    do_settle_case(fresh(case), actor=user(by), version=None)
    return fresh(case)


def today() -> date:
    return timezone.localdate()


def convened(case: Case) -> JointConsultation:
    """The case taken into joint consultation through its page: a judge and a police officer
    invited, two times proposed three and four days on at 15:00."""
    slot = at(days=3, hour=15)
    response = client_for("mediator").post(
        reverse("cases:fire_transition", args=[case.pk, "convene"]),
        {
            "version": case.version,
            "question": "赡养费数额如何确定？",
            "invitees": [f"{user('judge').pk}:judge", f"{user('police').pk}:police"],
            "place": "诊所调解室",
            "slot1": slot.strftime("%Y-%m-%dT%H:%M"),
            "slot2": (slot + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "hours": "1.5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:600]
    return JointConsultation.objects.get(case=case)
