"""登记 and 受理: registering a dispute or logging advice, its parties and their consent, and the
first transitions (accept, dispatch, answer, decline)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import dates, deadlines, timeline
from cases.changes import (
    alert_risk,
    fire,
    grant_mediator,
    issue_number,
    touch,
    work_calendar,
)
from cases.choices import (
    Kind,
    Outcome,
    Side,
)
from cases.models import Case, CaseEvent, Party
from cases.people import roles_of
from clinic.choices import Role
from clinic.lib.encrypted import lookup_hash
from clinic.lib.ids import normalise_id_number
from clinic.lib.versions import Claim, bump
from clinic.models import User


def party_hashes(id_number: str, phone: str) -> tuple[str, str]:
    return (
        lookup_hash(normalise_id_number(id_number)) if id_number else "",
        lookup_hash(phone.replace(" ", "").replace("-", "")) if phone else "",
    )


GUARDIAN_CONSENTS = _(
    "A minor or a person without full legal capacity cannot consent themselves: add their "
    "guardian, then record the consent the guardian gives."
)


def check_direct_consent(party: Party) -> None:
    """Consent recorded for a party themselves: refused for one who needs a guardian."""
    if party.needs_guardian:
        raise ValidationError({"consented": GUARDIAN_CONSENTS})


def create_party(case: Case, data: dict[str, Any], *, actor: User) -> Party:
    """A party as written down at registration or later; the consent and the rights notice
    ticked on the same form are recorded as acts of ``actor`` (an agent or a guardian gives
    none of their own: theirs is recorded on the party they act for)."""
    data = dict(data)
    consented = data.pop("consented", False)
    notice_method = data.pop("notice_method", "")
    if data.get("id_type") == "resident_id" and data.get("id_number"):
        data["id_number"] = normalise_id_number(data["id_number"])
    party = Party(case=case, **data)
    party.id_number_hash, party.phone_hash = party_hashes(party.id_number, party.phone)
    now = timezone.now()
    if party.is_principal:
        if consented:
            check_direct_consent(party)
            party.consented_at, party.consent_recorded_by = now, actor
        if notice_method:
            party.notified_at, party.notice_method, party.notified_by = now, notice_method, actor
    party.save()
    return party


def _registration(came_on: date | datetime | None, reason: str) -> datetime:
    """When the case counts as registered: the moment given, the day given (checked against
    the back-dating window), or now."""
    if isinstance(came_on, datetime):
        dates.check_registration_day(timezone.localdate(came_on), reason)
        return came_on
    if came_on is not None:
        dates.check_registration_day(came_on, reason)
    return dates.registration_time(came_on)


@transaction.atomic
def do_register_dispute(
    *,
    actor: User,
    community: Any,
    parties: Iterable[dict[str, Any]],
    mediator: User | None = None,
    came_on: date | datetime | None = None,
    backdate_reason: str = "",
    overrode: Iterable[str] = (),
    **fields: Any,
) -> Case:
    """Register a dispute (登记): the case, its parties, and its mediator (the registering
    mediator by default). ``came_on``: the day (or the moment) the resident really came, when
    the case is entered later (``cases.dates``: up to 30 days, with a reason). ``overrode``:
    the possible duplicates the registering person was shown and registered it despite."""
    committee = community.committee
    fields["registered_at"] = _registration(came_on, backdate_reason)
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
    created = [create_party(case, p, actor=actor) for p in parties]
    if mediator is not None:
        grant_mediator(case, mediator)
    timeline.registered(
        case,
        actor=actor,
        parties=created,
        mediator=mediator,
        backdate_reason=backdate_reason,
        overrode=overrode,
    )
    alert_risk(case)
    return case


@transaction.atomic
def do_log_advice(
    *,
    actor: User,
    community: Any,
    question: str,
    answer: str,
    asker: dict[str, Any] | None = None,
    came_on: date | datetime | None = None,
    backdate_reason: str = "",
    **fields: Any,
) -> Case:
    """A walk-in legal question (法律咨询) asked, answered and closed in one step. No case
    number; never counted as a mediation. Without an answer yet, it stays registered until
    ``do_answer_advice``. ``came_on`` as for a dispute."""
    fields["registered_at"] = _registration(came_on, backdate_reason)
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
    askers = []
    if asker and asker.get("name"):
        askers.append(create_party(case, {**asker, "side": Side.APPLICANT}, actor=actor))
    grant_mediator(case, actor)
    timeline.registered(
        case, actor=actor, parties=askers, mediator=actor, backdate_reason=backdate_reason
    )
    if answer.strip():
        fire(case, "answer_question", actor=actor, version=case.version, note=answer[:200])
    return case


@transaction.atomic
def do_add_party(case: Case, *, actor: User, data: dict[str, Any]) -> Party:
    party = create_party(case, data, actor=actor)
    touch(case)
    timeline.party_added(case, actor=actor, party=party)
    return party


@transaction.atomic
def do_update_party(
    party: Party, *, actor: User, changes: dict[str, Any], claim: Claim | None = None
) -> None:
    """Change a party as the edit form says. ``claim``: the form's (``RowVersionForm.claim``),
    so that someone else's change since the form was shown is not overwritten unseen."""
    locked = Party.objects.select_for_update().get(pk=party.pk)
    if changes.get("id_number") and changes.get("id_type", locked.id_type) == "resident_id":
        changes["id_number"] = normalise_id_number(changes["id_number"])
    changed: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        old = getattr(locked, field)
        if old != value:
            changed[field] = (old, value)
    if not changed:
        return
    (claim or bump)(locked)
    for field, (_old, value) in changed.items():
        setattr(locked, field, value)
    locked.id_number_hash, locked.phone_hash = party_hashes(locked.id_number, locked.phone)
    locked.save()
    touch(locked.case)
    timeline.party_changed(locked.case, actor=actor, party=locked, changes=changed)
    if "side" in changed or "represents" in changed:
        _withdraw_consent_given_by(locked, actor=actor)


def _withdraw_consent_given_by(guardian: Party, *, actor: User) -> None:
    """A guardian who no longer acts for a ward (another side, another party) no longer
    stands behind the consent they gave: the ward's consent is to be recorded again."""
    wards = Party.objects.filter(consent_by=guardian)
    if guardian.side == Side.GUARDIAN and guardian.represents_id is not None:
        wards = wards.exclude(pk=guardian.represents_id)
    for ward in wards:
        was = ward.consented_at
        ward.consented_at, ward.consent_by, ward.consent_recorded_by = None, None, None
        ward.save(update_fields=["consented_at", "consent_by", "consent_recorded_by"])
        bump(ward)
        timeline.party_changed(
            ward.case, actor=actor, party=ward, changes={"consented_at": (was, None)}
        )


def check_consent(party: Party, guardian: Party | None) -> None:
    """Consent is recorded for a party to the dispute, by themselves or, for a minor or a
    person without full capacity, by one of their guardians on the case."""
    if not party.is_principal:
        raise ValidationError(_("Consent is recorded for the party an agent or guardian acts for."))
    if guardian is None:
        check_direct_consent(party)
        return
    if guardian.side != Side.GUARDIAN or guardian.represents_id != party.pk:
        raise ValidationError({"guardian": _("Choose a guardian of this party.")})


#: What recording a consent or the rights notice writes (and nothing else of the party).
CONSENT_FIELDS = [
    "consented_at",
    "consent_recorded_by",
    "consent_by",
    "refused_at",
    "refusal_note",
    "notified_at",
    "notice_method",
    "notified_by",
]


@transaction.atomic
def do_record_consent(
    party: Party,
    *,
    actor: User,
    consented: bool,
    notice_method: str,
    note: str = "",
    guardian: Party | None = None,
) -> None:
    """Record that a party agreed to mediation (or, for a ward, that their ``guardian`` agreed
    for them) and was told their rights and duties: who recorded it, when, how told."""
    now = timezone.now()
    if consented and (party.consented_at is None or guardian is not None):
        party.consented_at, party.consent_recorded_by = now, actor
        party.consent_by = guardian
        party.refused_at, party.refusal_note = None, ""
    if notice_method and party.notified_at is None:
        party.notified_at, party.notice_method, party.notified_by = now, notice_method, actor
    party.save(update_fields=CONSENT_FIELDS)
    bump(party)  # an edit form of the party shown before is out of date
    touch(party.case)
    timeline.consent_recorded(
        party.case,
        actor=actor,
        party=party,
        consented=consented,
        notice_method=notice_method,
        note=note,
        guardian=guardian if consented else None,
    )


@transaction.atomic
def do_record_refusal(party: Party, *, actor: User, note: str) -> None:
    """A party refuses mediation (人民调解法 Art. 17): mediation cannot go on with them."""
    party.refused_at = timezone.now()
    party.refusal_note = note[:200]
    party.consented_at = None
    party.save(update_fields=["refused_at", "refusal_note", "consented_at"])
    bump(party)
    touch(party.case)
    timeline.refusal_recorded(party.case, actor=actor, party=party, note=note)


def accept_dispute(case: Case, name: str, *, actor: User, version: int | None) -> CaseEvent:
    def prepare() -> dict[str, Any]:
        today = timezone.localdate()
        issue_number(case, today)
        case.accepted_at = timezone.now()
        case.mediation_due, case.mediation_due_provisional = deadlines.mediation_due(
            work_calendar(), today
        )
        if case.mediator is None and Role.MEDIATOR in roles_of(actor):
            case.mediator = actor
            grant_mediator(case, actor)
        return {"number": case.number, "mediation_due": case.mediation_due.isoformat()}

    return fire(case, name, actor=actor, version=version, prepare=prepare)


@transaction.atomic
def do_accept_case(case: Case, *, actor: User, version: int | None) -> CaseEvent:
    """受理: the dispute gets its number and its one-month mediation clock; sit-in."""
    return accept_dispute(case, "accept", actor=actor, version=version)


@transaction.atomic
def do_dispatch_case(case: Case, *, actor: User, version: int | None) -> CaseEvent:
    """受理 and send mediators out (巡诊)."""
    return accept_dispute(case, "dispatch", actor=actor, version=version)


@transaction.atomic
def do_answer_advice(case: Case, *, actor: User, version: int | None, answer: str) -> CaseEvent:
    case.answer = answer
    case.outcome = Outcome.ANSWERED
    event = fire(case, "answer_question", actor=actor, version=version, note=answer[:200])
    return event


@transaction.atomic
def do_decline_case(
    case: Case, *, actor: User, version: int | None, outcome: str, note: str
) -> CaseEvent:
    """不予受理, with the reason and where the parties were guided."""
    case.outcome, case.outcome_note = outcome, note
    event = fire(case, "decline", actor=actor, version=version, note=note)
    return event
