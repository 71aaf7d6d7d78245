"""会诊: convening professionals on one dispute, their answers and opinions, the meeting in
everyone's calendar, and the joint opinion that concludes it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases import dates, timeline
from cases.changes import ActionRefused, fire, unmet_conditions
from cases.choices import InviteResponse
from cases.mediation.actions import do_settle_case
from cases.meetings import release_meeting
from cases.models import Case, CaseEvent, ConsultationInvitee, ConsultationSlot, JointConsultation
from clinic.lib.versions import Claim, bump
from clinic.models import User
from clinic.notify.dispatch import notify
from clinic.notify.notices import choice, moment, ref
from scheduling.actions import Clash, do_book_commitment, do_release_commitment, lock_calendars
from scheduling.choices import CommitmentKind


@transaction.atomic
def do_convene_consultation(
    case: Case,
    *,
    actor: User,
    version: int | None,
    question: str,
    invitees: Iterable[tuple[User, str]],
    slots: Iterable[tuple[datetime, datetime]] = (),
    place: str = "",
) -> JointConsultation:
    """Convene a joint consultation (会诊): invite professionals of at least two roles; each
    gets to see and advise on the case."""
    consultation = JointConsultation.objects.create(case=case, question=question, convened_by=actor)
    for starts_at, ends_at in slots:
        ConsultationSlot.objects.create(
            consultation=consultation, starts_at=starts_at, ends_at=ends_at, place=place
        )
    invited = []
    for user, role in invitees:
        ConsultationInvitee.objects.create(consultation=consultation, user=user, role=role)
        invited.append(user)
    # In id order: each grant draws its person a new access stamp (a row lock until the
    # transaction ends); two actions granting the same people take them in the same order.
    for user in sorted(invited, key=lambda user: user.pk):
        for perm in ("view_case", "advise_case"):
            assign_perm(perm, user, case)
    case._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # the guards read afresh
    fire(
        case,
        "convene",
        actor=actor,
        version=version,
        note=question[:200],
        details={"invited": [str(user) for user in invited]},
    )
    notify(
        "cases.consultation_invited",
        {"case": ref(case), "question": question[:300]},
        invited,
        key=f"consultation:{consultation.pk}:invited",
        url=reverse("cases:consultation", args=[consultation.pk]),
    )
    return consultation


@transaction.atomic
def do_conclude_consultation(
    case: Case,
    *,
    actor: User,
    version: int | None,
    joint_opinion: str,
    attended: str,
    settle_now: bool = False,
) -> CaseEvent:
    consultation = case.open_consultation
    if consultation is None:
        raise ActionRefused(unmet_conditions(case, "conclude"))
    dates.check_conclusion(consultation)
    release_meeting(consultation)
    consultation.joint_opinion = joint_opinion
    consultation.attended = attended
    consultation.save(update_fields=["joint_opinion", "attended"])
    bump(consultation)  # a meeting form shown before is out of date
    event = fire(case, "conclude", actor=actor, version=version, note=joint_opinion[:200])
    consultation.concluded_at = timezone.now()
    consultation.save(update_fields=["concluded_at"])
    if settle_now:
        return do_settle_case(case, actor=actor, version=case.version)
    return event


@transaction.atomic
def do_answer_invitation(
    invitee: ConsultationInvitee,
    *,
    actor: User,
    accepted: bool,
    slots: Iterable[Any] = (),
    claim: Claim | None = None,
) -> None:
    """The invited professional accepts (with the proposed times that suit) or declines.
    ``claim``: the answer form's."""
    _lock(invitee)
    (claim or bump)(invitee)
    available = list(slots) if accepted else []
    invitee.response = InviteResponse.ACCEPTED if accepted else InviteResponse.DECLINED
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "responded_at"])
    invitee.available.set(available)
    if not accepted and invitee.commitment is not None:
        # the meeting leaves the calendar of one who can no longer come
        do_release_commitment(invitee.commitment)
        ConsultationInvitee.objects.filter(pk=invitee.pk).update(commitment=None)
        invitee.commitment = None
    consultation = invitee.consultation
    timeline.invitation_answered(
        consultation.case, actor=actor, invitee=invitee, slots=len(available)
    )
    notify(
        "cases.consultation_answered",
        {
            "person": str(invitee.user),
            # the answer given then (ref would show a later change of mind)
            "answer": choice(InviteResponse(invitee.response).label),
            "case": ref(consultation.case),
        },
        [consultation.convened_by],
        key=f"consultation:{consultation.pk}:answer:{invitee.pk}:{invitee.response}",
        url=consultation.case.get_absolute_url(),
    )


def _lock(invitee: ConsultationInvitee) -> None:
    """Read the invitee afresh under a lock (the meeting fixed meanwhile, say)."""
    consultation, user = invitee.consultation, invitee.user
    invitee.refresh_from_db(from_queryset=ConsultationInvitee.objects.select_for_update())
    invitee.consultation, invitee.user = consultation, user


@transaction.atomic
def do_fix_meeting(
    consultation: JointConsultation, *, actor: User, slot: Any, claim: Claim | None = None
) -> None:
    """The convener fixes the meeting at a proposed time: it enters the calendars of the
    convener and everyone who accepted (a clash refuses it and nothing is booked).
    ``claim``: the meeting form's."""
    (claim or bump)(JointConsultation.objects.select_for_update().get(pk=consultation.pk))
    # in id order: the calendars are booked, and the timeline names them, the same way each time
    invitees = consultation.invitees.order_by("pk")
    attendees = [i for i in invitees.select_related("user") if i.response == "accepted"]
    release_meeting(consultation)  # a meeting fixed before gives way to this one
    title = _("Joint consultation on %(case)s") % {"case": consultation.case}
    lock_calendars([actor, *(invitee.user for invitee in attendees)])
    for invitee in attendees:
        commitment = do_book_commitment(
            invitee.user,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            kind=CommitmentKind.MEETING,
            title=title,
            place=slot.place,
        )
        ConsultationInvitee.objects.filter(pk=invitee.pk).update(commitment=commitment)
    try:
        with transaction.atomic():
            do_book_commitment(
                actor,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                kind=CommitmentKind.MEETING,
                title=title,
                place=slot.place,
            )
    except Clash:
        pass  # the convener's own calendar is theirs to sort out
    JointConsultation.objects.filter(pk=consultation.pk).update(meeting=slot)
    timeline.meeting_fixed(
        consultation.case,
        actor=actor,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        place=slot.place,
        attendees=[invitee.user for invitee in attendees],
    )
    notify(
        "cases.consultation_meeting",
        {"case": ref(consultation.case), "when": moment(slot.starts_at), "place": slot.place},
        [i.user for i in attendees],
        key=f"consultation:{consultation.pk}:meeting:{slot.pk}",
        url=consultation.case.get_absolute_url(),
    )


@transaction.atomic
def do_record_opinion(
    invitee: ConsultationInvitee, *, actor: User, opinion: str, claim: Claim | None = None
) -> None:
    """An invitee's own opinion (观点); one who declined the consultation gives none.
    ``claim``: the opinion form's."""
    _lock(invitee)
    if invitee.response == InviteResponse.DECLINED:
        raise ActionRefused(
            [_("You declined this joint consultation: only those taking part give an opinion.")]
        )
    (claim or bump)(invitee)
    invitee.opinion = opinion
    invitee.opinion_at = timezone.now()
    invitee.save(update_fields=["opinion", "opinion_at"])
    timeline.opinion_recorded(
        invitee.consultation.case, actor=actor, invitee=invitee, opinion=opinion
    )
