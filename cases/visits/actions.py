"""巡诊: home visits a grid worker requests, scheduled into the professionals' calendars, and
the outcome recorded at the door (which may register a dispute)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import dates, timeline
from cases.actions import do_assign_professional
from cases.changes import StaleCase, next_in_sequence
from cases.choices import (
    RISK_ORDER,
    Risk,
    Side,
    State,
    VisitNoteKind,
    VisitOutcome,
    VisitStatus,
)
from cases.intake.actions import do_dispatch_case, do_log_advice, do_register_dispute
from cases.mediation.actions import do_save_agreement, do_sign_agreement
from cases.models import Case, VisitAssignee, VisitNote, VisitPhoto, VisitRequest
from cases.people import community_managers, roles_of
from clinic.audit import record as audit
from clinic.choices import AuditEvent, Role
from clinic.lib.masking import mask_phone
from clinic.lib.uploads import CheckedUpload
from clinic.lib.versions import Claim, bump
from clinic.models import User
from clinic.notify.dispatch import notify
from clinic.notify.notices import moment, ref
from scheduling.actions import do_book_commitment, do_release_commitment, lock_calendars
from scheduling.choices import CommitmentKind


@transaction.atomic
def do_request_visit(
    *,
    actor: User,
    grid: Any,
    photos: Iterable[CheckedUpload] = (),
    distinct_from: Iterable[VisitRequest] = (),
    **fields: Any,
) -> VisitRequest:
    """A grid worker asks for a home visit: a reference number, the coordinators told (a red
    one also reaches the community police officer at once). ``distinct_from``: similar requests
    the grid worker said this one is not the same as, each noted on it."""
    community = grid.community
    year = timezone.localdate().year
    seq = next_in_sequence(community.committee, year, "visit")
    request = VisitRequest.objects.create(
        reference=f"({year}){community.committee.case_prefix}巡字第{seq}号",
        community=community,
        grid=grid,
        requested_by=actor,
        **fields,
    )
    for photo in photos:
        save_photo(request, photo)
    for other in distinct_from:
        VisitNote.objects.create(
            request=request, kind=VisitNoteKind.DISTINCT, author=actor, other=other
        )
    red = request.risk == Risk.RED
    roles = [Role.COORDINATOR, Role.POLICE] if red else [Role.COORDINATOR]
    notify(
        "visits.requested_red" if red else "visits.requested",
        {
            "reference": ref(request),
            "risk": ref(request, "risk"),
            "summary": ref(request, "problem"),
        },
        community_managers(community, *roles),
        key=f"visit:{request.pk}:requested",
        url=request.get_absolute_url(),
    )
    return request


#: What a second request may fill in on the first when the first left it blank.
FILLED_IN = ("resident_phone", "room", "dispute_type", "preferred_times")
FLAGS = ("elderly_alone", "disabled", "minor", "needs_interpreter")


@transaction.atomic
def do_merge_visit_request(
    request: VisitRequest,
    *,
    actor: User,
    photos: Iterable[CheckedUpload] = (),
    **fields: Any,
) -> VisitNote:
    """A second request for the same resident, added to ``request`` instead of made anew: what
    the first left blank is filled in, special needs ticked on either are kept, the more
    urgent of the two urgencies wins, the photos are added, and what else the second said is
    a note on the first. The coordinators, and the first requester, are told."""
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (VisitStatus.SUBMITTED, VisitStatus.SCHEDULED):
        raise StaleCase(_("This request was visited or cancelled meanwhile."))
    changes: dict[str, Any] = {
        name: fields[name] for name in FILLED_IN if fields.get(name) and not getattr(locked, name)
    }
    changes.update({flag: True for flag in FLAGS if fields.get(flag)})
    risk = fields.get("risk") or ""
    if RISK_ORDER.get(risk, 9) < RISK_ORDER.get(locked.risk, 9):
        changes["risk"] = risk
    if changes:
        VisitRequest.objects.filter(pk=locked.pk).update(**changes)
        bump(locked)  # a form about the request shown before is out of date
    note = VisitNote.objects.create(
        request=locked, kind=VisitNoteKind.MERGED, author=actor, text=_merged_text(locked, fields)
    )
    for photo in photos:
        save_photo(locked, photo)
    notify(
        "visits.merged",
        {"reference": ref(locked), "note": ref(note, "text")},
        [*community_managers(locked.community, Role.COORDINATOR), locked.requested_by],
        key=f"visit:{locked.pk}:merged:{note.pk}",
        url=locked.get_absolute_url(),
    )
    return note


def _merged_text(first: VisitRequest, second: dict[str, Any]) -> str:
    """What the second request said that the first does not: its problem in its own words, a
    name, building, room or time put otherwise, another phone (masked: the note is not
    encrypted)."""
    lines = []
    if (second.get("problem") or "").strip() != first.problem.strip():
        lines.append(second["problem"].strip())
    for name, label in (
        ("resident_name", _("Resident")),
        ("address", _("Address")),
        ("room", _("Unit and room")),
        ("preferred_times", _("Preferred times")),
    ):
        value = (second.get(name) or "").strip()
        if value and getattr(first, name) and value != getattr(first, name).strip():
            lines.append(f"{label}: {value}")
    phone = second.get("resident_phone") or ""
    if phone and first.resident_phone and phone != first.resident_phone:
        label = _("Another phone")
        lines.append(f"{label}: {mask_phone(phone)}")
    return "\n".join(lines)


def save_photo(request: VisitRequest, photo: CheckedUpload) -> VisitPhoto:
    record = VisitPhoto(
        request=request,
        content_type=photo.content_type,
        size=len(photo.content),
        sha256=hashlib.sha256(photo.content).hexdigest(),
    )
    record.file.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
    record.save()
    return record


@transaction.atomic
def do_schedule_visit(
    request: VisitRequest,
    *,
    actor: User,
    professionals: Iterable[tuple[User, str]],
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    claim: Claim | None = None,
) -> None:
    """Book the visit in every professional's calendar; a clash with a shift or another
    appointment refuses the whole visit (``Clash``) and nothing is saved. ``claim``: the
    scheduling form's (a request changed since it was shown is shown again)."""
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (VisitStatus.SUBMITTED, VisitStatus.SCHEDULED):
        raise StaleCase(_("This request was visited or cancelled meanwhile."))
    (claim or bump)(locked)
    for assignee in locked.assignees.select_related("commitment"):
        if assignee.commitment is not None:
            do_release_commitment(assignee.commitment)
    locked.assignees.all().delete()
    chosen = list(professionals)
    lock_calendars(user for user, _role in chosen)
    for user, role in chosen:
        commitment = do_book_commitment(
            user,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=CommitmentKind.VISIT,
            title=_("Home visit %(reference)s") % {"reference": locked.reference},
            place=place,
        )
        VisitAssignee.objects.create(request=locked, user=user, role=role, commitment=commitment)
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=VisitStatus.SCHEDULED,
        visit_starts_at=starts_at,
        visit_ends_at=ends_at,
        place=place,
        scheduled_by=actor,
    )
    visitors = [user for user, _role in chosen]
    if locked.case is not None:
        timeline.visit_scheduled(
            locked.case,
            actor=actor,
            request=locked,
            visitors=visitors,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    else:
        # A request without a case yet has no timeline: the audit log keeps the change.
        audit(
            AuditEvent.VISIT_SCHEDULED,
            user=actor,
            obj=locked,
            detail={
                "starts_at": timeline.plain(starts_at),
                "ends_at": timeline.plain(ends_at),
                "visitors": [timeline.named(user) for user in visitors],
            },
        )
    scheduled = {"reference": ref(locked), "when": moment(starts_at)}
    notify(
        "visits.scheduled",
        scheduled,
        [locked.requested_by],
        key=f"visit:{locked.pk}:scheduled:{starts_at.isoformat()}",
        url=locked.get_absolute_url(),
    )
    notify(
        "visits.assigned",
        {**scheduled, "summary": ref(locked, "problem")},
        visitors,
        key=f"visit:{locked.pk}:assigned:{starts_at.isoformat()}",
        url=locked.get_absolute_url(),
    )


@transaction.atomic
def do_cancel_visit(
    request: VisitRequest, *, actor: User, reason: str, claim: Claim | None = None
) -> None:
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (VisitStatus.VISITED, VisitStatus.CANCELLED):
        raise StaleCase(_("This request can no longer be cancelled."))
    (claim or bump)(locked)
    for assignee in locked.assignees.select_related("commitment"):
        if assignee.commitment is not None:
            do_release_commitment(assignee.commitment)
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=VisitStatus.CANCELLED, cancel_reason=reason[:200]
    )
    if locked.case is not None:
        timeline.visit_cancelled(locked.case, actor=actor, request=locked, reason=reason[:200])
    else:
        # A request without a case yet has no timeline: the audit log keeps the change.
        audit(AuditEvent.VISIT_CANCELLED, user=actor, obj=locked, detail={"reason": reason[:200]})
    if actor.pk != locked.requested_by_id:
        notify(
            "visits.cancelled",
            {"reference": ref(locked), "reason": reason[:200]},
            [locked.requested_by],
            key=f"visit:{locked.pk}:cancelled",
            url=locked.get_absolute_url(),
        )


@transaction.atomic
def do_record_visit_outcome(
    request: VisitRequest,
    *,
    actor: User,
    outcome: str,
    note: str,
    answer: str = "",
    respondent: dict[str, Any] | None = None,
    consents: tuple[bool, bool] = (False, False),
    agreement_terms: str = "",
    visited_at: datetime | None = None,
    claim: Claim | None = None,
) -> Case:
    """The visiting professional records what happened, through the desk's own actions:
    advice answered and closed; or a dispute registered, and dispatched into patrol when both
    parties consented at the door (``consents``: the resident's, the other party's), with an
    oral agreement registered when the parties agreed on the spot. That is all a visiting
    professional does with the case: the community's mediator and coordinator are told and
    take it from there. The case is registered at the visit (``visited_at``, now by
    default), not when it was typed in. ``claim``: the outcome form's."""
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != VisitStatus.SCHEDULED:
        raise StaleCase(_("The outcome of this visit is already recorded."))
    visited_at = visited_at or timezone.now()
    dates.check_visit_outcome(locked, visited_at)
    (claim or bump)(locked)
    late = (
        _("Entered after the home visit %(reference)s.") % {"reference": locked.reference}
        if timezone.localdate(visited_at) < timezone.localdate()
        else ""
    )
    resident = {
        "name": locked.resident_name,
        "phone": locked.resident_phone,
        "address": locked.address,
        "room": locked.room,
        "elderly_alone": locked.elderly_alone,
        "disabled": locked.disabled,
        "minor": locked.minor,
        "needs_interpreter": locked.needs_interpreter,
    }
    common: dict[str, Any] = {
        "community": locked.community,
        "grid": locked.grid,
        "source": "grid_referral",
        "dispute_type": locked.dispute_type or "other",
        "risk": locked.risk,
        "came_on": visited_at,
        "backdate_reason": late,
    }
    if outcome == VisitOutcome.ADVICE:
        case = do_log_advice(
            actor=actor,
            question=locked.problem,
            answer=answer or note,
            asker=resident,
            **common,
        )
    else:
        mediators = community_managers(locked.community, Role.MEDIATOR)
        mediator = actor if Role.MEDIATOR in roles_of(actor) else next(iter(mediators), None)
        case = do_register_dispute(
            actor=actor,
            parties=[
                _at_the_door(resident, Side.APPLICANT, consents[0], actor),
                _at_the_door(respondent or {}, Side.RESPONDENT, consents[1], actor),
            ],
            mediator=mediator,
            summary=locked.problem,
            persons_involved=2,
            **common,
        )
        VisitRequest.objects.filter(pk=locked.pk).update(case=case)
        for assignee in locked.assignees.all():
            if assignee.user_id != (mediator.pk if mediator else None):
                do_assign_professional(
                    case, actor=actor, professional=assignee.user, role=assignee.role
                )
        if all(consents):
            do_dispatch_case(Case.objects.get(pk=case.pk), actor=actor, version=None)
            if outcome == VisitOutcome.ORAL and agreement_terms.strip():
                agreement = do_save_agreement(
                    Case.objects.get(pk=case.pk),
                    actor=actor,
                    data={"form": "oral", "facts": locked.problem, "terms": agreement_terms},
                )
                do_sign_agreement(agreement, actor=actor, signed_on=timezone.localdate())
        case = Case.objects.get(pk=case.pk)
        _hand_to_the_community(case, locked, mediator, actor=actor)
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=VisitStatus.VISITED,
        visited_at=visited_at,
        outcome=outcome,
        outcome_note=note,
        case=case,
    )
    notify(
        "visits.done",
        {"reference": ref(locked), "outcome": ref(locked, "outcome")},
        [locked.requested_by],
        key=f"visit:{locked.pk}:done",
        url=locked.get_absolute_url(),
    )
    return case


def _at_the_door(person: dict[str, Any], side: str, consented: bool, actor: User) -> dict[str, Any]:
    """A party as registered at the door: their own consent and the rights notice (given
    orally) only when they gave it there, recorded by the visiting professional."""
    party = {**person, "side": side, "consented": consented}
    if consented:
        party.update(notice_method="oral", consent_recorded_by=actor)
    return party


def _hand_to_the_community(
    case: Case, visit: VisitRequest, mediator: User | None, *, actor: User
) -> None:
    """The dispute a visit registered goes to the community: its mediator (the one assigned)
    and its coordinators are told."""
    recipients = [
        *([mediator] if mediator else []),
        *community_managers(visit.community, Role.COORDINATOR),
    ]
    waiting = case.state == State.REGISTERED
    notify(
        "visits.case_waiting" if waiting else "visits.case_on_patrol",
        {"reference": ref(visit), "case": ref(case), "summary": ref(case, "summary")},
        [user for user in dict.fromkeys(recipients) if user.pk != actor.pk],
        key=f"visit:{visit.pk}:case:{case.pk}",
        url=case.get_absolute_url(),
    )
