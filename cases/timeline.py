"""The case's timeline: one constructor per kind of event, each writing one ``CaseEvent``.

Every ``do_*`` action writes its event through one of these, inside its own transaction. The
payload is plain JSON data, turned into words only when shown (the ``event_lines`` filter of
``cases.templatetags.case_timeline``, in the viewer's language). Every payload written here
holds

- ``what``: the constructor's name (``"party_changed"``), which says how to read the rest;
- ``party``: the party's name, when the event is about one party;
- ``changes``, for an edit: ``[{"field": <model field name>, "from": old, "to": new}, ...]``;

and the keys named in each constructor's docstring. Values are plain data: strings (a long
text cut to ``VALUE_CHARS``), numbers, booleans, ``None``, dates and times as ISO strings, a
choice as its stored value, a person or another object as its name.

Personal data is never stored in clear: a party's fields are encrypted at rest, this JSON is
not. An ID number or a phone is stored masked (``clinic.lib.masking``), so every viewer sees
the masked value; of an address or a room only that it changed (``"hidden": true``).

Events written before ``what`` existed carry other keys; the timeline shows what it can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cases.access import refuse_if_archived
from cases.choices import EventKind
from cases.models import (
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    ConsultationInvitee,
    FollowUp,
    MediationRecord,
    Party,
    PerformanceItem,
    VisitRequest,
)
from clinic.lib.masking import mask_id_number, mask_phone
from clinic.models import User

#: Longest text kept for one value of a change (the record itself keeps the whole text).
VALUE_CHARS = 200

#: Fields stored masked: the payload is not encrypted.
MASKED: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "resident_phone": mask_phone,
    "responsible_phone": mask_phone,
}
#: Fields of which only the change is stored, never a value.
HIDDEN = frozenset({"address", "room"})

#: What is still written on an archived case's timeline: its archiving, and the destruction
#: of its file when its retention period ends. Nothing else: an archived case is read-only.
ON_ARCHIVED = frozenset({EventKind.ARCHIVED, EventKind.PURGED})

#: What an edit changed, as the model holds it: ``{field: (old, new)}``.
Changes = Mapping[str, tuple[Any, Any]]


def plain(value: Any) -> Any:
    """``value`` as JSON data: dates and times as ISO strings, anything else by its name."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    text = str(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def change_list(changes: Changes) -> list[dict[str, Any]]:
    """The ``changes`` of a payload, personal data masked or left out."""
    found: list[dict[str, Any]] = []
    for field, (old, new) in changes.items():
        if field in MASKED:
            mask = MASKED[field]
            found.append({"field": field, "from": mask(old or ""), "to": mask(new or "")})
        elif field in HIDDEN:
            found.append({"field": field, "hidden": True})
        else:
            found.append({"field": field, "from": plain(old), "to": plain(new)})
    return found


def named(someone: Any) -> str:
    """A person's (or an object's) name as the timeline keeps it; empty for nobody."""
    return "" if someone is None else str(someone)


def _write(
    case: Case,
    kind: str,
    what: str,
    details: Mapping[str, Any],
    *,
    actor: User | None,
    note: str = "",
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
) -> CaseEvent:
    if kind not in ON_ARCHIVED:
        # Every change writes its event here, in its own transaction: refusing here undoes
        # whatever the change did before (the case is read-only once archived).
        refuse_if_archived(case)
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload={"what": what, **{key: plain(value) for key, value in details.items()}},
    )


# --- Registering and moving through the states ----------------------------------------------


def registered(
    case: Case,
    *,
    actor: User | None,
    parties: Iterable[Party] = (),
    mediator: User | None = None,
    backdate_reason: str = "",
    overrode: Iterable[str] = (),
) -> CaseEvent:
    """``parties``: their names; ``mediator``: a name or ``""``. A case entered after the day
    the resident came (补录) also keeps ``came_on``, the real ``entered_at`` and the ``reason``.
    One registered despite a possible duplicate keeps the warning it overrode (``overrode``:
    the cases it named)."""
    details: dict[str, Any] = {"parties": [p.name for p in parties], "mediator": named(mediator)}
    if overrode:
        details["overrode"] = list(overrode)
    entered = timezone.now()
    if timezone.localdate(case.registered_at) < timezone.localdate(entered):
        details.update(
            came_on=timezone.localdate(case.registered_at),
            entered_at=entered,
            reason=backdate_reason,
        )
    return _write(
        case,
        EventKind.REGISTERED,
        "registered",
        details,
        actor=actor,
        to_state=case.state,
    )


def transition(
    case: Case,
    *,
    actor: User | None,
    name: str,
    from_state: str,
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """The transition ``name`` fired (the case is in its new state). ``details`` may hold
    ``number`` and ``mediation_due`` (accepting), ``agreement`` and ``form`` (settling),
    ``referred_to`` and ``reference`` (referring out), ``invited`` (names, convening) and
    ``both_parties_ask`` (reopening)."""
    return _write(
        case,
        EventKind.TRANSITION,
        "transition",
        details or {},
        actor=actor,
        note=note,
        transition=name,
        from_state=from_state,
        to_state=case.state,
    )


def case_edited(case: Case, *, actor: User | None, changes: Changes) -> CaseEvent:
    """``changes`` of the case's own fields."""
    return _write(
        case, EventKind.EDITED, "case_edited", {"changes": change_list(changes)}, actor=actor
    )


def archived(case: Case, *, actor: User | None, volume_no: str) -> CaseEvent:
    """``volume_no``: the volume (卷号) the closed case is filed under."""
    return _write(case, EventKind.ARCHIVED, "archived", {"volume_no": volume_no}, actor=actor)


def case_file_purged(case: Case, *, years: int, began: date, files: int, parties: int) -> CaseEvent:
    """The file destroyed at the end of its retention period (保管期限), by the system:
    ``years``, counted from ``began`` (the archiving or closing day); how many ``files``
    (uploads, visit photos, generated papers) were deleted and of how many ``parties`` the
    contact details were removed."""
    return _write(
        case,
        EventKind.PURGED,
        "case_file_purged",
        {"years": years, "began": began, "files": files, "parties": parties},
        actor=None,
    )


# --- Parties ---------------------------------------------------------------------------------


def party_added(case: Case, *, actor: User | None, party: Party) -> CaseEvent:
    """``party`` and ``side`` (its stored value)."""
    return _write(
        case, EventKind.PARTY, "party_added", {"party": party.name, "side": party.side}, actor=actor
    )


def party_changed(case: Case, *, actor: User | None, party: Party, changes: Changes) -> CaseEvent:
    """``party`` (the name after the change) and ``changes`` of the party's fields."""
    return _write(
        case,
        EventKind.PARTY,
        "party_changed",
        {"party": party.name, "changes": change_list(changes)},
        actor=actor,
    )


def consent_recorded(
    case: Case,
    *,
    actor: User | None,
    party: Party,
    consented: bool,
    notice_method: str,
    note: str = "",
    guardian: Party | None = None,
) -> CaseEvent:
    """``party``, ``consented``, ``notice`` (how they were told, or ``""``) and ``guardian``
    (the guardian who consented for them, or ``""``)."""
    return _write(
        case,
        EventKind.CONSENT,
        "consent_recorded",
        {
            "party": party.name,
            "consented": consented,
            "notice": notice_method,
            "guardian": named(guardian),
        },
        actor=actor,
        note=note,
    )


def refusal_recorded(case: Case, *, actor: User | None, party: Party, note: str) -> CaseEvent:
    """``party`` and ``refused`` (true)."""
    return _write(
        case,
        EventKind.CONSENT,
        "refusal_recorded",
        {"party": party.name, "refused": True},
        actor=actor,
        note=note,
    )


# --- Who works on the case -------------------------------------------------------------------


def assigned(
    case: Case, *, actor: User | None, mediator: User, previous: User | None, note: str = ""
) -> CaseEvent:
    """``mediator`` and ``previous`` (names; ``""`` when there was none)."""
    return _write(
        case,
        EventKind.ASSIGNED,
        "assigned",
        {"mediator": named(mediator), "previous": named(previous)},
        actor=actor,
        note=note,
    )


def professional_assigned(
    case: Case, *, actor: User | None, professional: User, role: str
) -> CaseEvent:
    """``professional`` (a name) and ``role`` (the role's stored value)."""
    return _write(
        case,
        EventKind.ASSIGNED,
        "professional_assigned",
        {"professional": named(professional), "role": role},
        actor=actor,
    )


def professional_unassigned(case: Case, *, actor: User | None, professional: User) -> CaseEvent:
    """``professional``: who no longer advises on the case."""
    return _write(
        case,
        EventKind.ASSIGNED,
        "professional_unassigned",
        {"professional": named(professional)},
        actor=actor,
    )


def recused(
    case: Case,
    *,
    actor: User | None,
    party: Party | None,
    mediator: User | None,
    new_mediator: User | None,
    reason: str,
    escalated: bool = False,
) -> CaseEvent:
    """``party`` objected to ``mediator`` (no party: the mediator stepped aside); the case went
    to ``new_mediator`` (names), or to the street committee (``escalated``), or waits for a
    new mediator (neither)."""
    return _write(
        case,
        EventKind.RECUSED,
        "recused",
        {
            "party": party.name if party else "",
            "mediator": named(mediator),
            # Who may not be the case's mediator again (cases.people.eligible_mediators).
            "mediator_id": mediator.pk if mediator else None,
            "new_mediator": named(new_mediator),
            "escalated": escalated,
        },
        actor=actor,
        note=reason,
    )


def work_reassigned(
    case: Case,
    *,
    actor: User | None,
    person: User,
    to: User,
    mediator: bool,
    follow_ups: int,
    adviser: bool,
) -> CaseEvent:
    """``from`` and ``to`` (names), and what moved: ``mediator`` (the mediation),
    ``follow_ups`` (how many open follow-ups), ``adviser`` (``from`` no longer advises)."""
    return _write(
        case,
        EventKind.REASSIGNED,
        "work_reassigned",
        {
            "from": named(person),
            "to": named(to),
            "mediator": mediator,
            "follow_ups": follow_ups,
            "adviser": adviser,
        },
        actor=actor,
    )


def escalated(case: Case, *, actor: User | None, reason: str) -> CaseEvent:
    """``committee``: the name of the street committee the case went to."""
    return _write(
        case,
        EventKind.ESCALATED,
        "escalated",
        {"committee": named(case.committee)},
        actor=actor,
        note=reason,
    )


# --- Deadlines and reminders -----------------------------------------------------------------


def deadline_extended(
    case: Case,
    *,
    actor: User | None,
    old: date | None,
    new: date,
    reason: str,
    consent: str,
) -> CaseEvent:
    """``field`` (``"mediation_due"``), ``from``, ``to`` and ``consent`` (how the parties
    agreed)."""
    return _write(
        case,
        EventKind.EXTENDED,
        "deadline_extended",
        {"field": "mediation_due", "from": old or "", "to": new, "consent": consent},
        actor=actor,
        note=reason,
    )


def deadline_moved(
    case: Case,
    *,
    actor: User | None,
    field: str,
    old: date | None,
    new: date,
    provisional: bool,
) -> CaseEvent:
    """``field`` (``"mediation_due"`` or ``"confirmation_due"``), ``from``, ``to`` and
    ``provisional`` (worked out on a holiday schedule not yet published)."""
    return _write(
        case,
        EventKind.DEADLINE_MOVED,
        "deadline_moved",
        {"field": field, "from": old or "", "to": new, "provisional": provisional},
        actor=actor,
    )


def reminder_sent(
    case: Case,
    *,
    actor: User | None,
    about: str,
    due: date,
    overdue: bool,
    recipients: Iterable[User],
) -> CaseEvent:
    """``about`` (``"mediation_due"`` or ``"follow_up"``), ``due``, ``overdue`` and ``to``
    (the names of the people reminded)."""
    return _write(
        case,
        EventKind.REMINDER,
        "reminder_sent",
        {
            "about": about,
            "due": due,
            "overdue": overdue,
            "to": sorted(named(person) for person in recipients),
        },
        actor=actor,
    )


# --- Mediation: records, agreements, advice, files -------------------------------------------


def record_added(case: Case, *, actor: User | None, record: MediationRecord) -> CaseEvent:
    """``record`` (its id), ``held_at`` and ``place``."""
    return _write(
        case,
        EventKind.RECORD,
        "record_added",
        {"record": record.pk, "held_at": record.held_at, "place": record.place},
        actor=actor,
    )


def agreement_drafted(case: Case, *, actor: User | None, agreement: Agreement) -> CaseEvent:
    """``agreement`` (its id), ``version`` and ``form``."""
    return _write(
        case,
        EventKind.AGREEMENT,
        "agreement_drafted",
        {"agreement": agreement.pk, "version": agreement.version, "form": agreement.form},
        actor=actor,
    )


def agreement_edited(
    case: Case, *, actor: User | None, agreement: Agreement, changes: Changes
) -> CaseEvent:
    """``agreement``, ``version`` and the draft's ``changes``."""
    return _write(
        case,
        EventKind.AGREEMENT,
        "agreement_edited",
        {"agreement": agreement.pk, "version": agreement.version, "changes": change_list(changes)},
        actor=actor,
    )


def agreement_signed(case: Case, *, actor: User | None, agreement: Agreement) -> CaseEvent:
    """``agreement``, ``version``, ``on`` (the day it took effect) and ``confirmation_due``
    (the last day to apply for judicial confirmation)."""
    return _write(
        case,
        EventKind.AGREEMENT,
        "agreement_signed",
        {
            "agreement": agreement.pk,
            "version": agreement.version,
            "on": agreement.signed_on,
            "confirmation_due": case.confirmation_due,
        },
        actor=actor,
    )


def agreement_corrected(
    case: Case, *, actor: User | None, agreement: Agreement, reason: str, changes: Changes
) -> CaseEvent:
    """``agreement`` (the new version's id), ``version`` (its number), ``corrects`` (the id
    of the version it supersedes) and ``changes`` from that version."""
    return _write(
        case,
        EventKind.AGREEMENT,
        "agreement_corrected",
        {
            "agreement": agreement.pk,
            "version": agreement.version,
            "corrects": agreement.supersedes_id,
            "changes": change_list(changes),
        },
        actor=actor,
        note=reason,
    )


def performance_item_added(case: Case, *, actor: User | None, item: PerformanceItem) -> CaseEvent:
    """``agreement``, ``item`` (ids), ``description``, ``amount`` (yuan, or ``None``) and
    ``due_on``."""
    return _write(
        case,
        EventKind.AGREEMENT,
        "performance_item_added",
        {
            "agreement": item.agreement_id,
            "item": item.pk,
            "description": item.description,
            "amount": item.amount,
            "due_on": item.due_on,
        },
        actor=actor,
    )


def confirmation_updated(
    case: Case, *, actor: User | None, agreement: Agreement, changes: Changes
) -> CaseEvent:
    """``agreement`` and the ``changes`` of its judicial-confirmation fields."""
    return _write(
        case,
        EventKind.CONFIRMATION,
        "confirmation_updated",
        {"agreement": agreement.pk, "changes": change_list(changes)},
        actor=actor,
    )


def advice_given(case: Case, *, actor: User | None, role: str, text: str) -> CaseEvent:
    """``role``: in which role the advice was given (the text is the event's note)."""
    return _write(
        case, EventKind.ADVICE, "advice_given", {"role": role}, actor=actor, note=text[:200]
    )


def attachment_added(case: Case, *, actor: User | None, attachment: Attachment) -> CaseEvent:
    """``attachment`` (its id), ``kind`` and ``name`` (the file's name)."""
    return _write(
        case,
        EventKind.ATTACHMENT,
        "attachment_added",
        {"attachment": attachment.pk, "kind": attachment.kind, "name": attachment.original_name},
        actor=actor,
    )


def attachment_withdrawn(
    case: Case, *, actor: User | None, attachment: Attachment, reason: str
) -> CaseEvent:
    """A wrong upload withdrawn: ``attachment`` (its id), ``kind``, ``name`` (the file's name)
    and ``reason``. The file is kept until its retention ends, out of the case's files."""
    return _write(
        case,
        EventKind.WITHDRAWN,
        "attachment_withdrawn",
        {
            "attachment": attachment.pk,
            "kind": attachment.kind,
            "name": attachment.original_name,
            "reason": reason,
        },
        actor=actor,
    )


# --- Joint consultation ----------------------------------------------------------------------


def invitation_answered(
    case: Case, *, actor: User | None, invitee: ConsultationInvitee, slots: int
) -> CaseEvent:
    """``person`` (a name), ``role``, ``response`` (its stored value) and ``slots`` (how many
    of the proposed times suit)."""
    return _write(
        case,
        EventKind.CONSULTATION,
        "invitation_answered",
        {
            "person": named(invitee.user),
            "role": invitee.role,
            "response": invitee.response,
            "slots": slots,
        },
        actor=actor,
    )


def meeting_fixed(
    case: Case,
    *,
    actor: User | None,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    attendees: Iterable[User],
) -> CaseEvent:
    """``starts_at``, ``ends_at``, ``place`` and ``attendees`` (names)."""
    return _write(
        case,
        EventKind.CONSULTATION,
        "meeting_fixed",
        {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "attendees": [named(person) for person in attendees],
        },
        actor=actor,
    )


def opinion_recorded(
    case: Case, *, actor: User | None, invitee: ConsultationInvitee, opinion: str
) -> CaseEvent:
    """``person`` (a name) and ``role``; the opinion is the event's note."""
    return _write(
        case,
        EventKind.CONSULTATION,
        "opinion_recorded",
        {"person": named(invitee.user), "role": invitee.role},
        actor=actor,
        note=opinion[:200],
    )


# --- Follow-ups and home visits --------------------------------------------------------------


def follow_up_recorded(
    case: Case, *, actor: User | None, follow_up: FollowUp, setbacks: Iterable[str] = ()
) -> CaseEvent:
    """``due_on``, ``method``, ``performance`` (stored values) and ``satisfaction`` (1–5 or
    ``None``); ``setbacks``, what went wrong since the settlement (``Setback`` values) with
    ``setback_note``, when the follow-up found any; the findings are the event's note."""
    found = list(setbacks)
    return _write(
        case,
        EventKind.FOLLOW_UP,
        "follow_up_recorded",
        {
            "due_on": follow_up.due_on,
            "method": follow_up.method,
            "performance": follow_up.performance,
            "satisfaction": follow_up.satisfaction,
        }
        | ({"setbacks": found, "setback_note": plain(follow_up.setback_note)} if found else {}),
        actor=actor,
        note=follow_up.findings[:200],
    )


def follow_up_visit_planned(
    case: Case,
    *,
    actor: User | None,
    follow_up: FollowUp,
    starts_at: datetime,
    ends_at: datetime,
) -> CaseEvent:
    """``due_on`` (the follow-up's), ``assignee`` (a name), ``starts_at`` and ``ends_at``; not
    the place, which is often a party's home."""
    return _write(
        case,
        EventKind.FOLLOW_UP,
        "follow_up_visit_planned",
        {
            "due_on": follow_up.due_on,
            "assignee": named(follow_up.assignee),
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
        actor=actor,
    )


def visit_scheduled(
    case: Case,
    *,
    actor: User | None,
    request: VisitRequest,
    visitors: Iterable[User],
    starts_at: datetime,
    ends_at: datetime,
) -> CaseEvent:
    """``reference`` (the request's), ``starts_at``, ``ends_at`` and ``visitors`` (names);
    not the place, which is the resident's address."""
    return _write(
        case,
        EventKind.VISIT,
        "visit_scheduled",
        {
            "reference": request.reference,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "visitors": [named(person) for person in visitors],
        },
        actor=actor,
    )


def visit_cancelled(
    case: Case, *, actor: User | None, request: VisitRequest, reason: str
) -> CaseEvent:
    """``reference``: the request's; the reason is the event's note."""
    return _write(
        case,
        EventKind.VISIT,
        "visit_cancelled",
        {"reference": request.reference},
        actor=actor,
        note=reason,
    )
