"""How every change to a case is made: claim its version (a stale form loses cleanly, an
archived case refuses: ``cases.access.CaseArchived``), check and fire a transition, save, log
(through ``cases.timeline``); case numbers; risk alerts; per-case grants.

The workflows' ``do_*`` actions build on these. ``fire`` is the only code that reads
django-fsm's transition metadata (through ``transition_for``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from guardian.shortcuts import assign_perm, remove_perm

from cases import timeline
from cases.access import CaseArchived, refuse_if_archived
from cases.choices import (
    Level,
    Risk,
    State,
)
from cases.models import Case, CaseEvent, CaseNumberSequence
from cases.people import (
    committee_mediators,
    coordinators,
    coordinators_and_police,
    street_officers,
)
from clinic.lib.versions import Stale
from clinic.models import Holiday, MediationCommittee, User
from clinic.notify.dispatch import notify
from clinic.notify.notices import ref


class StaleCase(Stale):
    """Someone else changed the case since the form was shown (``clinic.lib.versions.Stale``
    for the case itself). ``message``, when given, says what happened in the person's words
    (else the page's own)."""


class ActionRefused(Exception):
    """The step is not possible now; ``reasons`` say why, in the user's language."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _refuse_if_archived_now(case: Case) -> None:
    """Refuse the change if the case is archived in the database (perhaps since it was read)."""
    found = Case.objects.filter(pk=case.pk, archived_at__isnull=False).values("volume_no").first()
    if found is not None:
        raise CaseArchived(case.pk, found["volume_no"])


def claim(case: Case, version: int | None) -> None:
    """Take the case for this change: the version must be the one the user saw, and the case
    not archived (an archived case is read-only: ``CaseArchived``, a 403)."""
    refuse_if_archived(case)
    if version is None:
        version = case.version
    updated = Case.objects.filter(pk=case.pk, version=version, archived_at__isnull=True).update(
        version=F("version") + 1
    )
    if not updated:
        _refuse_if_archived_now(case)
        raise StaleCase
    case.version = version + 1


def touch(case: Case) -> None:
    """A change next to the case (a party, a consent) makes open forms of the case stale; on
    an archived case it is refused."""
    refuse_if_archived(case)
    updated = Case.objects.filter(pk=case.pk, archived_at__isnull=True).update(
        version=F("version") + 1
    )
    if not updated:
        _refuse_if_archived_now(case)
    case.version += 1


def unmet_conditions(case: Case, name: str, *, before_form: bool = False) -> list[str]:
    """Why the transition ``name`` cannot fire now (empty when it can). ``before_form``
    leaves out what the transition's own form will supply."""
    found = case.declared(name)
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


def fire(
    case: Case,
    name: str,
    *,
    actor: User,
    version: int | None,
    note: str = "",
    details: dict[str, Any] | None = None,
    prepare: Any = None,
) -> CaseEvent:
    """Claim the case, check the transition's permission and guards, fire it, save, log.

    ``prepare()`` runs after the transition and before the save (e.g. to issue the number);
    what it returns is added to the event's ``details``."""
    method = getattr(case, name)
    refuse_if_archived(case)
    if version is not None and case.version != version:
        # Someone changed the case since the user's form was shown: say so, rather than
        # judging the step against a state the user has not seen.
        raise StaleCase
    if not case.permits(name, actor):
        raise PermissionDenied(name)
    reasons = unmet_conditions(case, name)
    if reasons:
        raise ActionRefused(reasons)
    claim(case, version)
    from_state = case.state
    method()
    if prepare is not None:
        details = {**(details or {}), **(prepare() or {})}
    if case.state == State.CLOSED and case.closed_at is None:
        case.closed_at = timezone.now()
    save_case(case, actor)
    return timeline.transition(
        case, actor=actor, name=name, from_state=from_state, note=note, details=details
    )


def save_case(case: Case, actor: User | None, fields: list[str] | None = None) -> None:
    """Save the case (its field history records ``actor``)."""
    case._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    try:
        if fields is None:
            case.save()
        else:
            case.save(update_fields=[*fields, "version"])
    except ConcurrentTransition as error:
        raise StaleCase from error


def work_calendar() -> Any:
    return Holiday.objects.calendar()


def format_case_number(year: int, prefix: str, seq: int) -> str:
    return f"({year}){prefix}人调字第{seq}号"


def next_in_sequence(committee: Any, year: int, kind: str) -> int:
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


def issue_number(case: Case, on: date) -> None:
    seq = next_in_sequence(case.committee, on.year, "case")
    case.number_year = on.year
    case.number_seq = seq
    case.numbered_by = case.committee
    case.number = format_case_number(on.year, case.committee.case_prefix, seq)


def alert_risk(case: Case) -> None:
    """Red: the coordinator and the community police officer at once (人民调解法 Art. 25);
    orange: the coordinator the same day."""
    if case.risk == Risk.RED:
        template, recipients = "cases.risk_red", coordinators_and_police(case)
    elif case.risk == Risk.ORANGE:
        template, recipients = "cases.risk_orange", coordinators(case)
    else:
        return
    notify(
        template,
        {"case": ref(case), "summary": case.summary[:300]},
        recipients,
        key=f"case:{case.pk}:risk:{case.risk}",
        url=case.get_absolute_url(),
    )


def grant_mediator(case: Case, mediator: User) -> None:
    for perm in ("view_case", "change_case"):
        assign_perm(perm, mediator, case)


def revoke_all(case: Case, user: User) -> None:
    for perm in ("view_case", "change_case", "advise_case"):
        remove_perm(perm, user, case)


def hand_to_street(case: Case, *, actor: User, reason: str) -> None:
    """The case goes to its street's committee (大事不出街道), claimed by the caller. It keeps
    the number its community committee issued (``numbered_by``: the community's register
    shows it as 上报街道, the street's as 接收上报; README, "Escalation and numbering"). The
    street committee's mediators may open and work it at once and are told, with the street
    officers; the community mediator who had it keeps read access only, and is told where it
    went."""
    street_committee = MediationCommittee.objects.get(street=case.street, level="street")
    previous = case.mediator
    case.level = Level.STREET
    case.committee = street_committee
    case.escalated_at = timezone.now()
    case.escalation_reason = reason
    case.mediator = None
    save_case(case, actor, ["level", "committee", "escalated_at", "escalation_reason", "mediator"])
    if previous is not None:
        remove_perm("change_case", previous, case)
    # In id order: each grant draws its person a new access stamp (a row lock until the
    # transaction ends); two actions granting the same people take them in the same order.
    street_mediators = sorted(committee_mediators(street_committee), key=lambda user: user.pk)
    for mediator in street_mediators:
        grant_mediator(case, mediator)
    timeline.escalated(case, actor=actor, reason=reason)
    notify(
        "cases.escalated",
        {"case": ref(case), "reason": reason[:300]},
        [*street_officers(case), *street_mediators],
        key=f"case:{case.pk}:escalated",
        url=case.get_absolute_url(),
    )
    if previous is not None and previous not in street_mediators:
        notify(
            "cases.escalated_away",
            {"case": ref(case), "committee": ref(street_committee), "reason": reason[:300]},
            [previous],
            key=f"case:{case.pk}:escalated:from",
            url=case.get_absolute_url(),
        )
