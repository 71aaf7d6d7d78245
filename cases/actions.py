"""Every change to a case: one ``do_<verb>_<noun>`` function each.

Each runs in one transaction, claims the case's version (so a stale form loses cleanly),
fires the ``@transition`` declared on ``Case``, saves, writes one ``CaseEvent``, and leaves
notifications' email to ``transaction.on_commit``. ``do_`` trusts its caller: views authorise
with ``cases.access`` and validate with ``cases.forms`` first. The guards still hold here:
a transition whose conditions fail raises ``ActionRefused`` with the reasons.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from guardian.shortcuts import assign_perm, remove_perm

from cases import deadlines
from cases.choices import (
    ACTIVE_STATES,
    AgreementForm,
    EventKind,
    InviteResponse,
    Kind,
    Level,
    Outcome,
    Performance,
    Risk,
    Side,
    State,
    VisitOutcome,
    VisitStatus,
)
from cases.jobs import Progress, run_job
from cases.models import (
    Advice,
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    CaseNumberSequence,
    ConsultationInvitee,
    ConsultationSlot,
    DocumentJob,
    FollowUp,
    JointConsultation,
    MediationRecord,
    Party,
    PerformanceItem,
    VisitAssignee,
    VisitPhoto,
    VisitRequest,
)
from clinic import outbox
from clinic.actions import do_notify
from clinic.choices import Role
from clinic.lib.encrypted import lookup_hash
from clinic.lib.ids import normalise_id_number
from clinic.lib.uploads import CheckedUpload
from clinic.models import Holiday, Membership, User
from scheduling.actions import (
    Clash,
    do_book_commitment,
    do_release_commitment,
    lock_calendars,
)
from scheduling.choices import CommitmentKind

#: Days until a new follow-up after performance was urged.
URGE_FOLLOW_UP_DAYS = 15
#: Days after settlement for the follow-up when the agreement names no deadline.
DEFAULT_FOLLOW_UP_DAYS = 30


class StaleCase(Exception):
    """Someone else changed the record since the form was shown. ``message``, when given,
    says what happened in the person's words (else the page's own)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "stale")
        self.message = message


class ActionRefused(Exception):
    """The step is not possible now; ``reasons`` say why, in the user's language."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# --- Helpers --------------------------------------------------------------------------------


def _claim(case: Case, version: int | None) -> None:
    """Take the case for this change: the version must be the one the user saw."""
    if version is None:
        version = case.version
    updated = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
    if not updated:
        raise StaleCase
    case.version = version + 1


def _touch(case: Case) -> None:
    """A change next to the case (a party, a consent) makes open forms of the case stale."""
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    case.version += 1


def _event(
    case: Case,
    *,
    actor: User | None,
    kind: str,
    note: str = "",
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload or {},
    )


def unmet_conditions(case: Case, name: str, *, before_form: bool = False) -> list[str]:
    """Why the transition ``name`` cannot fire now (empty when it can). ``before_form``
    leaves out what the transition's own form will supply."""
    method = getattr(case, name)
    meta = method._django_fsm
    found = meta.get_transition(case.state)
    if found is None:
        return [
            _("This step is not possible while the case is %(state)s.")
            % {"state": case.get_state_display()}
        ]
    return [
        str(c.message)
        for c in found.conditions
        if not (before_form and c.from_form) and not c(case)
    ]


def _fire(
    case: Case,
    name: str,
    *,
    actor: User,
    version: int | None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    prepare: Any = None,
) -> CaseEvent:
    """Claim the case, check the transition's permission and guards, fire it, save, log.

    ``prepare()`` runs after the transition and before the save (e.g. to issue the number);
    what it returns is added to the event's details."""
    method = getattr(case, name)
    if version is not None and case.version != version:
        # Someone changed the case since the user's form was shown: say so, rather than
        # judging the step against a state the user has not seen.
        raise StaleCase
    if not case.permits(name, actor):
        raise PermissionDenied(name)
    reasons = unmet_conditions(case, name)
    if reasons:
        raise ActionRefused(reasons)
    _claim(case, version)
    from_state = case.state
    method()
    if prepare is not None:
        payload = {**(payload or {}), **(prepare() or {})}
    if case.state == State.CLOSED and case.closed_at is None:
        case.closed_at = timezone.now()
    _save(case, actor)
    return _event(
        case,
        actor=actor,
        kind=EventKind.TRANSITION,
        transition=name,
        from_state=from_state,
        to_state=case.state,
        note=note,
        payload=payload,
    )


def _save(case: Case, actor: User | None, fields: list[str] | None = None) -> None:
    """Save the case (its field history records ``actor``)."""
    case._history_user = actor
    try:
        if fields is None:
            case.save()
        else:
            case.save(update_fields=[*fields, "version"])
    except ConcurrentTransition as error:
        raise StaleCase from error


def _calendar() -> Any:
    return Holiday.objects.calendar()


def format_case_number(year: int, prefix: str, seq: int) -> str:
    return f"({year}){prefix}人调字第{seq}号"


def _next_in_sequence(committee: Any, year: int, kind: str) -> int:
    """The committee's next number of this kind for the year: gap-free (the sequence row is
    locked and rolls back with the transaction) and unique (a constraint backs it)."""
    try:
        with transaction.atomic():
            CaseNumberSequence.objects.get_or_create(committee=committee, year=year, kind=kind)
    except IntegrityError:
        pass  # created by a concurrent transaction in the meantime
    sequence = CaseNumberSequence.objects.select_for_update().get(
        committee=committee, year=year, kind=kind
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _issue_number(case: Case, on: date) -> None:
    seq = _next_in_sequence(case.committee, on.year, "case")
    case.number_year = on.year
    case.number_seq = seq
    case.number = format_case_number(on.year, case.committee.case_prefix, seq)


def _coordinators_and_police(case: Case) -> list[User]:
    ids = Membership.objects.active().filter(
        community=case.community, role__in=[Role.COORDINATOR, Role.POLICE]
    )
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def _coordinators(case: Case) -> list[User]:
    ids = Membership.objects.active().filter(community=case.community, role=Role.COORDINATOR)
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def _alert_risk(case: Case) -> None:
    """Red: the coordinator and the community police officer at once (人民调解法 Art. 25);
    orange: the coordinator the same day."""
    if case.risk == Risk.RED:
        recipients = _coordinators_and_police(case)
        title = _("Red risk: %(case)s") % {"case": case}
    elif case.risk == Risk.ORANGE:
        recipients = _coordinators(case)
        title = _("Orange risk, act today: %(case)s") % {"case": case}
    else:
        return
    do_notify(
        recipients,
        key=f"case:{case.pk}:risk:{case.risk}",
        title=title,
        body=case.summary[:300],
        url=case.get_absolute_url(),
    )


def _grant_mediator(case: Case, mediator: User) -> None:
    for perm in ("view_case", "change_case"):
        assign_perm(perm, mediator, case)


def _revoke_all(case: Case, user: User) -> None:
    for perm in ("view_case", "change_case", "advise_case"):
        remove_perm(perm, user, case)


# --- Registering ----------------------------------------------------------------------------


def party_hashes(id_number: str, phone: str) -> tuple[str, str]:
    return (
        lookup_hash(normalise_id_number(id_number)) if id_number else "",
        lookup_hash(phone.replace(" ", "").replace("-", "")) if phone else "",
    )


def _create_party(case: Case, data: dict[str, Any], *, actor: User) -> Party:
    data = dict(data)
    consented = data.pop("consented", False)
    notice_method = data.pop("notice_method", "")
    if data.get("id_type") == "resident_id" and data.get("id_number"):
        data["id_number"] = normalise_id_number(data["id_number"])
    party = Party(case=case, **data)
    party.id_number_hash, party.phone_hash = party_hashes(party.id_number, party.phone)
    now = timezone.now()
    if consented:
        party.consented_at = now
    if notice_method:
        party.notified_at, party.notice_method, party.notified_by = now, notice_method, actor
    party.save()
    return party


@transaction.atomic
def do_register_dispute(
    *,
    actor: User,
    community: Any,
    parties: Iterable[dict[str, Any]],
    mediator: User | None = None,
    **fields: Any,
) -> Case:
    """Register a dispute (登记): the case, its parties, and its mediator (the registering
    mediator by default)."""
    committee = community.committee
    case = Case(
        kind=Kind.DISPUTE,
        committee=committee,
        community=community,
        street=community.street,
        registered_by=actor,
        mediator=mediator,
        **fields,
    )
    case.save()
    created = [_create_party(case, p, actor=actor) for p in parties]
    if mediator is not None:
        _grant_mediator(case, mediator)
    _event(
        case,
        actor=actor,
        kind=EventKind.REGISTERED,
        to_state=case.state,
        payload={"parties": [p.name for p in created], "mediator": str(mediator or "")},
    )
    _alert_risk(case)
    return case


@transaction.atomic
def do_log_advice(
    *,
    actor: User,
    community: Any,
    question: str,
    answer: str,
    asker: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """A walk-in legal question (法律咨询) asked, answered and closed in one step. No case
    number; never counted as a mediation. Without an answer yet, it stays registered until
    ``do_answer_advice``."""
    case = Case(
        kind=Kind.ADVICE,
        committee=community.committee,
        community=community,
        street=community.street,
        registered_by=actor,
        mediator=actor,
        summary=question,
        answer=answer,
        outcome=Outcome.ANSWERED if answer.strip() else "",
        **fields,
    )
    case.save()
    if asker and asker.get("name"):
        _create_party(case, {**asker, "side": Side.APPLICANT}, actor=actor)
    _grant_mediator(case, actor)
    _event(case, actor=actor, kind=EventKind.REGISTERED, to_state=case.state)
    if answer.strip():
        _fire(case, "answer_question", actor=actor, version=case.version, note=answer[:200])
    return case


@transaction.atomic
def do_update_case(
    case: Case, *, actor: User, version: int | None, changes: dict[str, Any]
) -> list[str]:
    """Save edits of the case's own fields; returns the names of the fields that changed."""
    _claim(case, version)
    changed: dict[str, list[str]] = {}
    for field, value in changes.items():
        old = getattr(case, field)
        if old != value:
            changed[field] = [str(old), str(value)]
            setattr(case, field, value)
    if changed:
        _save(case, actor, list(changed))
        _event(case, actor=actor, kind=EventKind.EDITED, payload={"changes": changed})
        if "risk" in changed:
            _alert_risk(case)
    return sorted(changed)


# --- Parties --------------------------------------------------------------------------------


@transaction.atomic
def do_add_party(case: Case, *, actor: User, data: dict[str, Any]) -> Party:
    party = _create_party(case, data, actor=actor)
    _touch(case)
    _event(
        case,
        actor=actor,
        kind=EventKind.PARTY,
        payload={"added": party.name, "side": party.side},
    )
    return party


@transaction.atomic
def do_update_party(party: Party, *, actor: User, changes: dict[str, Any]) -> None:
    if changes.get("id_number") and changes.get("id_type", party.id_type) == "resident_id":
        changes["id_number"] = normalise_id_number(changes["id_number"])
    changed = []
    for field, value in changes.items():
        if getattr(party, field) != value:
            changed.append(field)
            setattr(party, field, value)
    if not changed:
        return
    party.id_number_hash, party.phone_hash = party_hashes(party.id_number, party.phone)
    party.save()
    _touch(party.case)
    _event(
        party.case,
        actor=actor,
        kind=EventKind.PARTY,
        payload={"changed": party.name, "fields": sorted(changed)},
    )


@transaction.atomic
def do_record_consent(
    party: Party, *, actor: User, consented: bool, notice_method: str, note: str = ""
) -> None:
    """Record that a party agreed to mediation and was told their rights and duties."""
    now = timezone.now()
    if consented and party.consented_at is None:
        party.consented_at = now
        party.refused_at, party.refusal_note = None, ""
    if notice_method and party.notified_at is None:
        party.notified_at, party.notice_method, party.notified_by = now, notice_method, actor
    party.save()
    _touch(party.case)
    _event(
        party.case,
        actor=actor,
        kind=EventKind.CONSENT,
        note=note,
        payload={"party": party.name, "consented": consented, "notice": notice_method},
    )


@transaction.atomic
def do_record_refusal(party: Party, *, actor: User, note: str) -> None:
    """A party refuses mediation (人民调解法 Art. 17): mediation cannot go on with them."""
    party.refused_at = timezone.now()
    party.refusal_note = note[:200]
    party.consented_at = None
    party.save()
    _touch(party.case)
    _event(
        party.case,
        actor=actor,
        kind=EventKind.CONSENT,
        note=note,
        payload={"party": party.name, "refused": True},
    )


# --- Transitions ----------------------------------------------------------------------------


def _accept(case: Case, name: str, *, actor: User, version: int | None) -> CaseEvent:
    def prepare() -> dict[str, Any]:
        today = timezone.localdate()
        _issue_number(case, today)
        case.accepted_at = timezone.now()
        case.mediation_due, case.mediation_due_provisional = deadlines.mediation_due(
            _calendar(), today
        )
        if case.mediator is None and Role.MEDIATOR in _roles_of(actor):
            case.mediator = actor
            _grant_mediator(case, actor)
        return {"number": case.number, "mediation_due": case.mediation_due.isoformat()}

    return _fire(case, name, actor=actor, version=version, prepare=prepare)


def _roles_of(user: User) -> set[str]:
    from clinic.access import roles

    return set(roles(user))


@transaction.atomic
def do_accept_case(case: Case, *, actor: User, version: int | None) -> CaseEvent:
    """受理: the dispute gets its number and its one-month mediation clock; sit-in."""
    return _accept(case, "accept", actor=actor, version=version)


@transaction.atomic
def do_dispatch_case(case: Case, *, actor: User, version: int | None) -> CaseEvent:
    """受理 and send mediators out (巡诊)."""
    return _accept(case, "dispatch", actor=actor, version=version)


@transaction.atomic
def do_answer_advice(case: Case, *, actor: User, version: int | None, answer: str) -> CaseEvent:
    case.answer = answer
    case.outcome = Outcome.ANSWERED
    event = _fire(case, "answer_question", actor=actor, version=version, note=answer[:200])
    return event


@transaction.atomic
def do_decline_case(
    case: Case, *, actor: User, version: int | None, outcome: str, note: str
) -> CaseEvent:
    """不予受理, with the reason and where the parties were guided."""
    case.outcome, case.outcome_note = outcome, note
    event = _fire(case, "decline", actor=actor, version=version, note=note)
    return event


@transaction.atomic
def do_switch_mode(case: Case, *, actor: User, version: int | None, note: str = "") -> CaseEvent:
    return _fire(case, "switch_mode", actor=actor, version=version, note=note)


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
    case._prefetched_objects_cache = {}
    _fire(
        case,
        "convene",
        actor=actor,
        version=version,
        note=question[:200],
        payload={"invited": [f"{u}" for u in invited]},
    )
    do_notify(
        invited,
        key=f"consultation:{consultation.pk}:invited",
        title=_("Invitation to a joint consultation on %(case)s") % {"case": case},
        body=question[:300],
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
    consultation.joint_opinion = joint_opinion
    consultation.attended = attended
    consultation.save(update_fields=["joint_opinion", "attended"])
    event = _fire(case, "conclude", actor=actor, version=version, note=joint_opinion[:200])
    consultation.concluded_at = timezone.now()
    consultation.save(update_fields=["concluded_at"])
    if settle_now:
        return do_settle_case(case, actor=actor, version=case.version)
    return event


def _follow_up_dates(agreement: Agreement, settled_on: date) -> list[tuple[date, Any]]:
    items = list(agreement.items.all())
    if items:
        return [(item.due_on, item) for item in items]
    if agreement.performance_deadline:
        return [(agreement.performance_deadline, None)]
    return [(settled_on + timedelta(days=DEFAULT_FOLLOW_UP_DAYS), None)]


@transaction.atomic
def do_settle_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    amount_agreed: Decimal | None = None,
    follow_up_assignee: User | None = None,
) -> CaseEvent:
    """调解成功: the effective agreement settles the case; follow-ups are due on the
    performance dates (one per instalment), or 30 days after settlement."""
    agreement = case.current_agreement
    case.outcome = (
        Outcome.SETTLED_WRITTEN if agreement.form == AgreementForm.WRITTEN else Outcome.SETTLED_ORAL
    )
    if amount_agreed is not None:
        case.amount_agreed = amount_agreed
    case.settled_at = timezone.now()
    event = _fire(
        case,
        "settle",
        actor=actor,
        version=version,
        payload={"agreement": agreement.pk, "form": agreement.form},
    )
    assignee = follow_up_assignee or case.mediator or actor
    dates = _follow_up_dates(agreement, timezone.localdate())
    for due_on, _item in dates:
        FollowUp.objects.create(case=case, agreement=agreement, due_on=due_on, assignee=assignee)
    do_notify(
        [assignee],
        key=f"case:{case.pk}:follow_ups:{case.settled_at.isoformat()}",
        title=_("Follow-up assigned to you: %(case)s, first due %(due)s")
        % {"case": case, "due": min(d for d, _i in dates)},
        url=reverse(
            "cases:follow_up", args=[FollowUp.objects.filter(case=case).earliest("due_on").pk]
        ),
    )
    return event


@transaction.atomic
def do_record_follow_up(
    follow_up: FollowUp,
    *,
    actor: User,
    method: str,
    performance: str,
    satisfaction: int | None,
    findings: str,
    new_risk: str = "",
) -> FollowUp | None:
    """Record a return visit. Fully performed closes the case; partly or not performed records
    urging (督促履行) and sets a new follow-up, which is returned. A new risk alerts the
    coordinator."""
    claimed = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now(),
        done_by=actor,
        method=method,
        performance=performance,
        satisfaction=satisfaction,
        findings=findings,
        new_risk=new_risk,
        urged=performance != Performance.FULL,
    )
    if not claimed:
        raise StaleCase(_("This follow-up was already recorded by someone else."))
    follow_up.refresh_from_db()
    case = Case.objects.get(pk=follow_up.case_id)
    _event(
        case,
        actor=actor,
        kind=EventKind.FOLLOW_UP,
        note=findings[:200],
        payload={"performance": performance, "satisfaction": satisfaction, "method": method},
    )
    successor = None
    if performance == Performance.FULL:
        if case.state == State.FOLLOW_UP and not case.follow_ups.filter(done_at__isnull=True):
            _fire(case, "complete_follow_up", actor=actor, version=case.version)
    else:
        successor = FollowUp.objects.create(
            case=case,
            agreement=follow_up.agreement,
            due_on=timezone.localdate() + timedelta(days=URGE_FOLLOW_UP_DAYS),
            assignee=follow_up.assignee,
        )
    if new_risk.strip():
        do_notify(
            _coordinators(case),
            key=f"follow_up:{follow_up.pk}:risk",
            title=_("New risk found at a follow-up of %(case)s") % {"case": case},
            body=new_risk[:300],
            url=case.get_absolute_url(),
        )
    return successor


@transaction.atomic
def do_reopen_case(
    case: Case, *, actor: User, version: int | None, reason: str, both_parties_ask: bool
) -> CaseEvent:
    if both_parties_ask:
        case.both_parties_ask_again = True

    def prepare() -> dict[str, Any]:
        case.both_parties_ask_again = False
        case.settled_at = None
        case.outcome = ""
        return {"both_parties_ask": both_parties_ask}

    event = _fire(case, "reopen", actor=actor, version=version, note=reason, prepare=prepare)
    FollowUp.objects.filter(case=case, done_at__isnull=True).delete()
    return event


@transaction.atomic
def do_terminate_case(
    case: Case, *, actor: User, version: int | None, outcome: str, note: str
) -> CaseEvent:
    """终止调解: failed (with the advice given), withdrawn, or a party refuses."""
    case.outcome, case.outcome_note = outcome, note
    event = _fire(case, "terminate", actor=actor, version=version, note=note)
    return event


# --- Level ----------------------------------------------------------------------------------


@transaction.atomic
def do_escalate_case(case: Case, *, actor: User, version: int | None, reason: str) -> None:
    """Hand a community dispute to the street committee (大事不出街道). The street officers
    are told; the case keeps its number."""
    from clinic.models import MediationCommittee

    _claim(case, version)
    street_committee = MediationCommittee.objects.get(street=case.street, level="street")
    case.level = Level.STREET
    case.committee = street_committee
    case.escalated_at = timezone.now()
    case.escalation_reason = reason
    _save(case, actor, ["level", "committee", "escalated_at", "escalation_reason"])
    _event(case, actor=actor, kind=EventKind.ESCALATED, note=reason)
    officers = Membership.objects.active().filter(street=case.street, role=Role.STREET_OFFICER)
    do_notify(
        User.objects.filter(pk__in=officers.values("user_id"), is_active=True),
        key=f"case:{case.pk}:escalated",
        title=_("A dispute was escalated to the street: %(case)s") % {"case": case},
        body=reason[:300],
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_refer_out(
    case: Case,
    *,
    actor: User,
    version: int | None,
    referred_to: str,
    reference: str,
    note: str,
) -> CaseEvent:
    """上交: the dispute leaves the street (to a court, the petitions office, a department).
    Sets the level and terminates mediation."""
    case.level = Level.REFERRED_OUT
    case.referred_to, case.referral_reference = referred_to, reference
    case.outcome, case.outcome_note = Outcome.REFERRED_OUT, note
    event = _fire(
        case,
        "terminate",
        actor=actor,
        version=version,
        note=note,
        payload={"referred_to": referred_to, "reference": reference},
    )
    return event


# --- Assignment -----------------------------------------------------------------------------


@transaction.atomic
def do_assign_mediator(case: Case, *, actor: User, mediator: User, note: str = "") -> None:
    previous = case.mediator
    if previous == mediator:
        return
    if previous is not None:
        remove_perm("change_case", previous, case)
        remove_perm("view_case", previous, case)
    case.mediator = mediator
    _claim(case, None)
    _save(case, actor, ["mediator"])
    _grant_mediator(case, mediator)
    _event(
        case,
        actor=actor,
        kind=EventKind.ASSIGNED,
        note=note,
        payload={"mediator": str(mediator), "previous": str(previous or "")},
    )
    do_notify(
        [mediator],
        key=f"case:{case.pk}:mediator:{mediator.pk}",
        title=_("A case was assigned to you: %(case)s") % {"case": case},
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_assign_professional(case: Case, *, actor: User, professional: User, role: str) -> None:
    for perm in ("view_case", "advise_case"):
        assign_perm(perm, professional, case)
    _event(
        case,
        actor=actor,
        kind=EventKind.ASSIGNED,
        payload={"professional": str(professional), "role": role},
    )
    do_notify(
        [professional],
        key=f"case:{case.pk}:professional:{professional.pk}",
        title=_("You are asked to advise on %(case)s") % {"case": case},
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_unassign_professional(case: Case, *, actor: User, professional: User) -> None:
    _revoke_all(case, professional)
    _event(case, actor=actor, kind=EventKind.ASSIGNED, payload={"removed": str(professional)})


@transaction.atomic
def do_recuse_mediator(
    case: Case,
    *,
    actor: User,
    version: int | None,
    party: Party,
    reason: str,
    new_mediator: User,
) -> None:
    """A party objects to the mediator (回避): the case goes to another mediator."""
    _claim(case, version)
    previous = case.mediator
    _event(
        case,
        actor=actor,
        kind=EventKind.RECUSED,
        note=reason,
        payload={"party": party.name, "mediator": str(previous or "")},
    )
    if previous is not None:
        _revoke_all(case, previous)
        case.mediator = None
    do_assign_mediator(case, actor=actor, mediator=new_mediator, note=reason)


@transaction.atomic
def do_reassign_open_work(person: User, *, actor: User, to: User) -> int:
    """Someone leaves: their open cases and follow-ups go to another person."""
    moved = 0
    for case in Case.objects.open().filter(mediator=person):
        do_assign_mediator(case, actor=actor, mediator=to, note=_("Reassigned: the mediator left"))
        _revoke_all(case, person)
        moved += 1
    for follow_up in FollowUp.objects.filter(assignee=person, done_at__isnull=True):
        FollowUp.objects.filter(pk=follow_up.pk).update(assignee=to)
        moved += 1
    for case in Case.objects.open().filter(
        caseuserobjectpermission__user=person,
        caseuserobjectpermission__permission__codename="advise_case",
    ):
        _revoke_all(case, person)
        _event(case, actor=actor, kind=EventKind.ASSIGNED, payload={"removed": str(person)})
        moved += 1
    return moved


@transaction.atomic
def do_extend_deadline(
    case: Case, *, actor: User, version: int | None, new_due: date, reason: str, consent: str
) -> None:
    """Extend the one-month mediation period, with both parties' consent (recorded)."""
    _claim(case, version)
    old = case.mediation_due
    case.mediation_due = new_due
    _save(case, actor, ["mediation_due"])
    _event(
        case,
        actor=actor,
        kind=EventKind.EXTENDED,
        note=reason,
        payload={
            "from": old.isoformat() if old else "",
            "to": new_due.isoformat(),
            "consent": consent,
        },
    )


@transaction.atomic
def do_recompute_deadlines(years: Iterable[int], *, actor: User | None) -> int:
    """Work the open deadlines that may end in these years out again on today's calendar.
    A mediation period extended by hand keeps its date. Returns how many dates moved."""
    years = sorted(set(years))
    if not years:
        return 0
    calendar = Holiday.objects.calendar()
    low, high = date(years[0], 1, 1) - deadlines.REACH, date(years[-1], 12, 31) + deadlines.REACH
    extended = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.EXTENDED)
    moved = 0
    mediating = (
        Case.objects.filter(
            state__in=ACTIVE_STATES,
            accepted_at__isnull=False,
            mediation_due__range=(low, high),
        )
        .exclude(Exists(extended))
        .select_for_update()
        .order_by("pk")
    )
    for case in mediating:
        due, provisional = deadlines.mediation_due(calendar, timezone.localdate(case.accepted_at))
        moved += _move_deadline(case, "mediation_due", due, provisional, actor=actor)
    today = timezone.localdate()
    confirming = (
        Case.objects.filter(confirmation_due__range=(max(low, today), high))
        .select_for_update()
        .order_by("pk")
    )
    for case in confirming:
        agreement = case.current_agreement
        if agreement is None or agreement.signed_on is None:
            continue
        due, provisional = deadlines.confirmation_due(calendar, agreement.signed_on)
        moved += _move_deadline(case, "confirmation_due", due, provisional, actor=actor)
    return moved


def _move_deadline(
    case: Case, field: str, due: date, provisional: bool, *, actor: User | None
) -> int:
    """Store the deadline and its flag; a date that moved goes on the timeline."""
    flag = f"{field}_provisional"
    old = getattr(case, field)
    if old == due and getattr(case, flag) == provisional:
        return 0
    setattr(case, field, due)
    setattr(case, flag, provisional)
    _save(case, actor, [field, flag])
    if old == due:
        return 0
    _event(
        case,
        actor=actor,
        kind=EventKind.DEADLINE_MOVED,
        payload={
            "field": field,
            "from": old.isoformat() if old else "",
            "to": due.isoformat(),
            "provisional": provisional,
        },
    )
    return 1


# --- Records, agreements, advice, attachments ------------------------------------------------


@transaction.atomic
def do_add_record(case: Case, *, actor: User, data: dict[str, Any]) -> MediationRecord:
    record = MediationRecord.objects.create(case=case, recorded_by=actor, **data)
    _event(case, actor=actor, kind=EventKind.RECORD, payload={"record": record.pk})
    return record


@transaction.atomic
def do_save_agreement(
    case: Case, *, actor: User, data: dict[str, Any], agreement: Agreement | None = None
) -> Agreement:
    """Draft a new agreement or change an unsigned draft. Signed agreements are read-only."""
    if agreement is None:
        agreement = Agreement.objects.create(case=case, created_by=actor, **data)
        _event(case, actor=actor, kind=EventKind.AGREEMENT, payload={"drafted": agreement.pk})
        return agreement
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.is_signed:
        raise ActionRefused([_("A signed agreement cannot be changed; correct it instead.")])
    for field, value in data.items():
        setattr(locked, field, value)
    locked.save()
    _event(case, actor=actor, kind=EventKind.AGREEMENT, payload={"edited": locked.pk})
    return locked


@transaction.atomic
def do_sign_agreement(agreement: Agreement, *, actor: User, signed_on: date) -> None:
    """The parties signed and the committee sealed (or the oral agreement is registered): the
    agreement takes effect and the 30-day judicial-confirmation window opens."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.signed_on is not None:
        raise StaleCase(_("Someone else recorded the signing meanwhile."))
    locked.signed_on = signed_on
    locked._history_user = actor
    locked.save(update_fields=["signed_on"])
    agreement.signed_on = signed_on
    case = agreement.case
    case.confirmation_due, case.confirmation_due_provisional = deadlines.confirmation_due(
        _calendar(), signed_on
    )
    _claim(case, None)
    _save(case, actor, ["confirmation_due", "confirmation_due_provisional"])
    _event(
        case,
        actor=actor,
        kind=EventKind.AGREEMENT,
        payload={"signed": agreement.pk, "on": signed_on.isoformat()},
    )


@transaction.atomic
def do_correct_agreement(
    agreement: Agreement, *, actor: User, reason: str, data: dict[str, Any]
) -> Agreement:
    """A correction of a signed agreement is a new version that supersedes it."""
    if Agreement.objects.filter(supersedes=agreement).exists():
        raise StaleCase(_("Someone else corrected this agreement meanwhile."))
    fields = {
        f: getattr(agreement, f)
        for f in (
            "form",
            "facts",
            "responsibilities",
            "terms",
            "performance_manner",
            "performance_deadline",
            "copies",
        )
    }
    fields.update(data)
    corrected = Agreement.objects.create(
        case=agreement.case,
        created_by=actor,
        version=agreement.version + 1,
        supersedes=agreement,
        correction_reason=reason,
        **fields,
    )
    for item in agreement.items.all():
        PerformanceItem.objects.create(
            agreement=corrected,
            description=item.description,
            amount=item.amount,
            due_on=item.due_on,
            performed_on=item.performed_on,
        )
    _touch(agreement.case)
    _event(
        agreement.case,
        actor=actor,
        kind=EventKind.AGREEMENT,
        note=reason,
        payload={"corrected": agreement.pk, "version": corrected.version},
    )
    return corrected


@transaction.atomic
def do_add_performance_item(
    agreement: Agreement, *, actor: User, data: dict[str, Any]
) -> PerformanceItem:
    if agreement.is_signed:
        raise ActionRefused([_("A signed agreement cannot be changed; correct it instead.")])
    item = PerformanceItem.objects.create(agreement=agreement, **data)
    _event(agreement.case, actor=actor, kind=EventKind.AGREEMENT, payload={"item": item.pk})
    return item


@transaction.atomic
def do_update_confirmation(agreement: Agreement, *, actor: User, data: dict[str, Any]) -> None:
    """Judicial confirmation (司法确认): applied, confirmed or refused, with court and number."""
    for field, value in data.items():
        setattr(agreement, field, value)
    agreement.save()
    _event(
        agreement.case,
        actor=actor,
        kind=EventKind.CONFIRMATION,
        payload={"status": agreement.confirmation, "court": agreement.confirmation_court},
    )


@transaction.atomic
def do_add_advice(case: Case, *, actor: User, role: str, text: str) -> Advice:
    advice = Advice.objects.create(case=case, author=actor, role=role, text=text)
    _event(case, actor=actor, kind=EventKind.ADVICE, note=text[:200], payload={"role": role})
    return advice


@transaction.atomic
def do_add_attachment(
    case: Case,
    *,
    actor: User,
    kind: str,
    upload: CheckedUpload,
    original_name: str,
    description: str = "",
) -> Attachment:
    from django.core.files.base import ContentFile

    attachment = Attachment(
        case=case,
        kind=kind,
        description=description,
        original_name=original_name[:200],
        content_type=upload.content_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{upload.extension}", ContentFile(upload.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _event(
        case,
        actor=actor,
        kind=EventKind.ATTACHMENT,
        payload={"attachment": attachment.pk, "kind": kind, "name": attachment.original_name},
    )
    return attachment


# --- Reminders ------------------------------------------------------------------------------


def do_send_case_reminders(today: date | None = None) -> int:
    """Reminders are written in the site's language (a worker has no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _do_send_case_reminders(today)


def _do_send_case_reminders(today: date | None = None) -> int:
    """Tell mediators and coordinators of cases due within 3 days and of overdue ones. The
    key carries the day, so a second run on the same day sends nothing new."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=3)
    sent = 0
    cases = (
        Case.objects.filter(
            state__in=(State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION),
            mediation_due__lte=soon,
        )
        .select_related("mediator", "community")
        .order_by("pk")
    )
    for case in cases:
        with transaction.atomic():
            overdue = case.mediation_due < today
            recipients = [u for u in [case.mediator] if u and u.is_active] + _coordinators(case)
            if overdue:
                title = _("Overdue since %(due)s: %(case)s") % {
                    "due": case.mediation_due,
                    "case": case,
                }
            else:
                title = _("Mediation due on %(due)s: %(case)s") % {
                    "due": case.mediation_due,
                    "case": case,
                }
            sent += len(
                do_notify(
                    recipients,
                    key=f"case:{case.pk}:due:{today.isoformat()}",
                    title=title,
                    url=case.get_absolute_url(),
                )
            )
    return sent


# --- Home visits (巡诊) ------------------------------------------------------------------------


def _community_managers(community: Any, *roles: str) -> list[User]:
    members = Membership.objects.active().filter(community=community, role__in=roles)
    return list(User.objects.filter(pk__in=members.values("user_id"), is_active=True))


@transaction.atomic
def do_request_visit(
    *,
    actor: User,
    grid: Any,
    photos: Iterable[CheckedUpload] = (),
    **fields: Any,
) -> VisitRequest:
    """A grid worker asks for a home visit: a reference number, the coordinators told (a red
    one also reaches the community police officer at once)."""
    community = grid.community
    year = timezone.localdate().year
    seq = _next_in_sequence(community.committee, year, "visit")
    request = VisitRequest.objects.create(
        reference=f"({year}){community.committee.case_prefix}巡字第{seq}号",
        community=community,
        grid=grid,
        requested_by=actor,
        **fields,
    )
    for photo in photos:
        _save_photo(request, photo)
    roles = [Role.COORDINATOR, Role.POLICE] if request.risk == Risk.RED else [Role.COORDINATOR]
    do_notify(
        _community_managers(community, *roles),
        key=f"visit:{request.pk}:requested",
        title=_("Home visit requested (%(risk)s): %(reference)s")
        % {"risk": request.get_risk_display(), "reference": request.reference},
        body=request.problem[:300],
        url=request.get_absolute_url(),
    )
    return request


def _save_photo(request: VisitRequest, photo: CheckedUpload) -> VisitPhoto:
    from django.core.files.base import ContentFile

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
) -> None:
    """Book the visit in every professional's calendar; a clash with a shift or another
    appointment refuses the whole visit (``Clash``) and nothing is saved."""
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (VisitStatus.SUBMITTED, VisitStatus.SCHEDULED):
        raise StaleCase(_("This request was visited or cancelled meanwhile."))
    for assignee in locked.assignees.select_related("commitment"):
        if assignee.commitment_id:
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
    when = timezone.localtime(starts_at)
    do_notify(
        [locked.requested_by],
        key=f"visit:{locked.pk}:scheduled:{starts_at.isoformat()}",
        title=_("Home visit %(reference)s scheduled for %(when)s")
        % {"reference": locked.reference, "when": f"{when:%m-%d %H:%M}"},
        url=locked.get_absolute_url(),
    )
    do_notify(
        [user for user, _role in chosen],
        key=f"visit:{locked.pk}:assigned:{starts_at.isoformat()}",
        title=_("You are asked to visit a resident: %(reference)s, %(when)s")
        % {"reference": locked.reference, "when": f"{when:%m-%d %H:%M}"},
        body=locked.problem[:300],
        url=locked.get_absolute_url(),
    )


@transaction.atomic
def do_cancel_visit(request: VisitRequest, *, actor: User, reason: str) -> None:
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (VisitStatus.VISITED, VisitStatus.CANCELLED):
        raise StaleCase(_("This request can no longer be cancelled."))
    for assignee in locked.assignees.select_related("commitment"):
        if assignee.commitment_id:
            do_release_commitment(assignee.commitment)
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=VisitStatus.CANCELLED, cancel_reason=reason[:200]
    )
    if actor.pk != locked.requested_by_id:
        do_notify(
            [locked.requested_by],
            key=f"visit:{locked.pk}:cancelled",
            title=_("Home visit %(reference)s cancelled") % {"reference": locked.reference},
            body=reason,
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
    consented: bool = False,
    agreement_terms: str = "",
) -> Case:
    """The visiting professional records what happened, through the desk's own actions:
    advice answered and closed; or a dispute registered and dispatched into patrol (consent
    included), with an oral agreement registered when the parties agreed on the spot."""
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != VisitStatus.SCHEDULED:
        raise StaleCase(_("The outcome of this visit is already recorded."))
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
    common = {
        "community": locked.community,
        "grid": locked.grid,
        "source": "grid_referral",
        "dispute_type": locked.dispute_type or "other",
        "risk": locked.risk,
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
        mediators = _community_managers(locked.community, Role.MEDIATOR)
        mediator = actor if Role.MEDIATOR in _roles_of(actor) else next(iter(mediators), None)
        notice = "oral" if consented else ""
        case = do_register_dispute(
            actor=actor,
            parties=[
                {
                    **resident,
                    "side": Side.APPLICANT,
                    "consented": consented,
                    "notice_method": notice,
                },
                {
                    **(respondent or {}),
                    "side": Side.RESPONDENT,
                    "consented": consented,
                    "notice_method": notice,
                },
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
        if consented:
            do_dispatch_case(Case.objects.get(pk=case.pk), actor=actor, version=None)
            if outcome == VisitOutcome.ORAL and agreement_terms.strip():
                agreement = do_save_agreement(
                    Case.objects.get(pk=case.pk),
                    actor=actor,
                    data={"form": "oral", "facts": locked.problem, "terms": agreement_terms},
                )
                do_sign_agreement(agreement, actor=actor, signed_on=timezone.localdate())
        case = Case.objects.get(pk=case.pk)
    VisitRequest.objects.filter(pk=locked.pk).update(
        status=VisitStatus.VISITED,
        visited_at=timezone.now(),
        outcome=outcome,
        outcome_note=note,
        case=case,
    )
    do_notify(
        [locked.requested_by],
        key=f"visit:{locked.pk}:done",
        title=_("Home visit %(reference)s done") % {"reference": locked.reference},
        body=VisitOutcome(outcome).label,
        url=locked.get_absolute_url(),
    )
    return case


# --- Joint consultations: invitations, meeting, opinions --------------------------------------


@transaction.atomic
def do_answer_invitation(
    invitee: ConsultationInvitee, *, accepted: bool, slots: Iterable[Any] = ()
) -> None:
    invitee.response = InviteResponse.ACCEPTED if accepted else InviteResponse.DECLINED
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "responded_at"])
    invitee.available.set(list(slots) if accepted else [])
    consultation = invitee.consultation
    do_notify(
        [consultation.convened_by],
        key=f"consultation:{consultation.pk}:answer:{invitee.pk}:{invitee.response}",
        title=_("%(person)s %(answer)s the joint consultation on %(case)s")
        % {
            "person": invitee.user,
            "answer": invitee.get_response_display(),
            "case": consultation.case,
        },
        url=consultation.case.get_absolute_url(),
    )


@transaction.atomic
def do_fix_meeting(consultation: JointConsultation, *, actor: User, slot: Any) -> None:
    """The convener fixes the meeting at a proposed time: it enters the calendars of the
    convener and everyone who accepted (a clash refuses it and nothing is booked)."""
    attendees = [
        i for i in consultation.invitees.select_related("user") if i.response == "accepted"
    ]
    for invitee in consultation.invitees.exclude(commitment=None).select_related("commitment"):
        do_release_commitment(invitee.commitment)
        ConsultationInvitee.objects.filter(pk=invitee.pk).update(commitment=None)
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
    when = timezone.localtime(slot.starts_at)
    do_notify(
        [i.user for i in attendees],
        key=f"consultation:{consultation.pk}:meeting:{slot.pk}",
        title=_("Joint consultation on %(case)s: %(when)s at %(place)s")
        % {"case": consultation.case, "when": f"{when:%m-%d %H:%M}", "place": slot.place},
        url=consultation.case.get_absolute_url(),
    )


@transaction.atomic
def do_record_opinion(invitee: ConsultationInvitee, *, opinion: str) -> None:
    invitee.opinion = opinion
    invitee.opinion_at = timezone.now()
    invitee.save(update_fields=["opinion", "opinion_at"])
    _event(
        invitee.consultation.case,
        actor=invitee.user,
        kind=EventKind.CONSULTATION,
        note=opinion[:200],
        payload={"opinion_of": str(invitee.user), "role": invitee.role},
    )


# --- Follow-up reminders ----------------------------------------------------------------------


@transaction.atomic
def do_schedule_follow_up_visit(
    follow_up: FollowUp, *, starts_at: datetime, ends_at: datetime, place: str
) -> None:
    if follow_up.appointment_id:
        do_release_commitment(follow_up.appointment)
    commitment = do_book_commitment(
        follow_up.assignee,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=CommitmentKind.FOLLOW_UP,
        title=_("Follow-up visit for %(case)s") % {"case": follow_up.case},
        place=place,
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(appointment=commitment)


def do_send_followup_reminders(today: date | None = None) -> int:
    """Reminders are written in the site's language (a worker has no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _do_send_followup_reminders(today)


def _do_send_followup_reminders(today: date | None = None) -> int:
    """Follow-ups due within 3 days go to their assignee; overdue ones also to the
    coordinator. Keys carry the day: a second run the same day sends nothing new."""
    today = today or timezone.localdate()
    sent = 0
    due = FollowUp.objects.filter(
        done_at__isnull=True, due_on__lte=today + timedelta(days=3)
    ).select_related("case__community", "assignee")
    for follow_up in due:
        overdue = follow_up.due_on < today
        recipients = [follow_up.assignee] if follow_up.assignee.is_active else []
        if overdue:
            recipients += _coordinators(follow_up.case)
            title = _("Follow-up overdue since %(due)s: %(case)s")
        else:
            title = _("Follow-up due on %(due)s: %(case)s")
        with transaction.atomic():
            sent += len(
                do_notify(
                    recipients,
                    key=f"follow_up:{follow_up.pk}:due:{today.isoformat()}",
                    title=title % {"due": follow_up.due_on, "case": follow_up.case},
                    url=reverse("cases:follow_up", args=[follow_up.pk]),
                )
            )
    return sent


# --- Documents and the case file ------------------------------------------------------------


@transaction.atomic
def do_request_case_file(case: Case, *, actor: User, reveal_ids: bool) -> DocumentJob:
    """Queue the bound case file; a worker renders it (in-process without a broker)."""

    job = DocumentJob.objects.create(case=case, requested_by=actor, reveal_ids=reveal_ids)
    outbox.enqueue("cases.tasks.render_case_file", str(job.pk))
    return job


def do_render_case_file(job_id: str) -> None:
    """Render a queued case file, recording progress as it goes."""
    from django.core.files.base import ContentFile

    from cases import documents

    def work(job: DocumentJob, progress: Progress) -> dict[str, Any]:
        job = DocumentJob.objects.select_related("case", "requested_by").get(pk=job.pk)
        pdf = documents.render_case_file(
            job.case,
            compiled_by=str(job.requested_by),
            reveal_ids=job.reveal_ids,
            progress=progress,
        )
        job.file.save(f"{job.pk}.pdf", ContentFile(pdf), save=False)
        return {"file": job.file.name}

    run_job(DocumentJob, job_id, work)


@transaction.atomic
def do_archive_case(case: Case, *, actor: User, volume_no: str) -> None:
    """Archive a closed case under a volume number (卷号): refused while documents are
    missing from its case file. Archiving is a field, not a state."""
    from cases import documents

    if case.state != State.CLOSED:
        raise ActionRefused([_("Only a closed case is archived.")])
    gaps = documents.missing(case)
    if gaps:
        raise ActionRefused(
            [_("The case file is incomplete: %(missing)s") % {"missing": "、".join(gaps)}]
        )
    _claim(case, None)
    case.archived_at = timezone.now()
    case.volume_no = volume_no
    _save(case, actor, ["archived_at", "volume_no"])
    _event(case, actor=actor, kind=EventKind.EDITED, payload={"archived": volume_no})


# --- Statistics ---------------------------------------------------------------------------


@transaction.atomic
def do_file_report(street: Any, *, report: Any, actor: User) -> Any:
    """The street files a period's figures: a frozen snapshot."""
    from cases import statistics
    from cases.models import StatisticsFiling

    try:
        with transaction.atomic():
            return StatisticsFiling.objects.create(
                street=street,
                first=report.period.first,
                last=report.period.last,
                label=report.period.label,
                snapshot=statistics.as_snapshot(report),
                filed_by=actor,
            )
    except IntegrityError:
        raise ActionRefused([_("This period was already filed.")]) from None


@transaction.atomic
def do_request_case_export(*, actor: User, scope: str, period: Any, format: str = "csv") -> Any:
    from cases.models import ExportJob

    job = ExportJob.objects.create(
        requested_by=actor, scope=scope, period=period.key, format=format
    )
    outbox.enqueue("cases.tasks.export_cases", str(job.pk))
    return job


def do_export_cases(job_id: str) -> None:
    """Write the anonymous case-level CSV or XLSX of a job, streaming rows to a file."""
    import tempfile

    from django.core.files import File

    from cases import exports, statistics
    from cases.models import ExportJob
    from clinic.models import Community

    def work(job: ExportJob, progress: Progress) -> dict[str, Any]:
        first, last = job.period.split("_")
        period = statistics.custom_period(date.fromisoformat(first), date.fromisoformat(last))
        kind, _sep, pk = job.scope.partition(":")
        communities = Community.objects.filter(
            **{"district": {"street__district_id": pk}, "street": {"street_id": pk}}.get(
                kind, {"pk": pk}
            )
        )
        cases = exports.period_cases(list(communities), period)
        total = cases.count()
        progress(10)

        def written(rows: int) -> None:
            progress(min(95, 10 + 85 * rows // max(total, 1)))

        if job.format == "xlsx":
            with tempfile.TemporaryFile("w+b") as handle:
                exports.cases_xlsx(cases, handle, written)
                handle.seek(0)
                job.file.save("cases.xlsx", File(handle), save=False)
        else:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as handle:
                for number, chunk in enumerate(exports.cases_csv(cases)):
                    handle.write(chunk)
                    if number % 2000 == 1999:
                        written(number + 1)
                handle.seek(0)
                job.file.save("cases.csv", File(handle), save=False)
        return {"file": job.file.name, "rows": total}

    run_job(ExportJob, job_id, work)
