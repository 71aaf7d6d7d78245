"""矛盾纠纷排查: recording a sweep, the disputes it found, and what each became (a home-visit
request, a case) or how it was prevented. Ledger entries: who recorded each and when is on the
row, every later change in its history (django-simple-history)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.changes import ActionRefused
from cases.models import Case, Sweep, SweepFinding, VisitRequest
from clinic.lib.versions import Claim, Stale, bump
from clinic.models import Community, Grid, User

#: Said (409) when a finding was linked while the person linking it was looking at it.
LINKED_MEANWHILE = gettext_lazy(
    "This dispute was linked meanwhile, perhaps by someone else. See what it became on the "
    "sweep's page."
)


@transaction.atomic
def do_record_sweep(
    *,
    actor: User,
    community: Community,
    grid: Grid | None,
    day: date,
    kind: str,
    scope: str,
    participants: str = "",
    households: int = 0,
) -> Sweep:
    """One sweep in the ledger, of ``grid`` (or the whole ``community`` when None)."""
    sweep = Sweep(
        community=community,
        grid=grid,
        day=day,
        kind=kind,
        scope=scope,
        participants=participants,
        households=households,
        created_by=actor,
    )
    sweep._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    sweep.save()
    return sweep


SWEEP_FIELDS = ("day", "kind", "scope", "participants", "households")


@transaction.atomic
def do_update_sweep(
    sweep: Sweep, *, actor: User, claim: Claim | None = None, **fields: object
) -> Sweep:
    """A correction of a sweep (its history keeps what it said before). ``claim``: the edit
    form's (the second of two people saving is told what the first changed)."""
    locked = Sweep.objects.select_for_update().get(pk=sweep.pk)
    (claim or bump)(locked)
    for name in SWEEP_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save()
    return locked


@transaction.atomic
def do_add_finding(
    sweep: Sweep,
    *,
    actor: User,
    description: str,
    persons: int,
    prevented: bool = False,
    prevention_note: str = "",
) -> SweepFinding:
    """A dispute the sweep found; ``prevented`` when it was settled on the spot or headed off
    (预防), with what was done."""
    finding = SweepFinding(
        sweep=sweep,
        description=description,
        persons=persons,
        prevented=prevented,
        prevention_note=prevention_note if prevented else "",
        created_by=actor,
    )
    finding._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    finding.save()
    return finding


@transaction.atomic
def do_update_finding(
    finding: SweepFinding,
    *,
    actor: User,
    description: str,
    persons: int,
    prevented: bool,
    prevention_note: str,
    claim: Claim | None = None,
) -> SweepFinding:
    """A finding corrected, or marked prevented after all (with what was done)."""
    locked = SweepFinding.objects.select_for_update().get(pk=finding.pk)
    (claim or bump)(locked)
    locked.description = description
    locked.persons = persons
    locked.prevented = prevented
    locked.prevention_note = prevention_note if prevented else ""
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save()
    return locked


@transaction.atomic
def do_link_finding(
    finding: SweepFinding,
    *,
    actor: User,
    visit: VisitRequest | None = None,
    case: Case | None = None,
) -> SweepFinding:
    """What a finding became: the home-visit request asked for it, or the case it is. A visit
    that already became a case brings its case along. A finding linked meanwhile (someone
    else linked it, or asked for a home visit from it) is not linked over: ``Stale`` (409)."""
    if visit is None and case is None:
        raise ActionRefused([_("Name the home-visit request or the case.")])
    locked = SweepFinding.objects.select_for_update().get(pk=finding.pk)
    if (visit is not None and locked.visit_id is not None) or (
        case is not None and locked.case_id is not None
    ):
        raise Stale(str(LINKED_MEANWHILE))
    bump(locked)
    if visit is not None:
        locked.visit = visit
        if case is None and visit.case_id is not None:
            locked.case_id = visit.case_id
    if case is not None:
        locked.case = case
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save()
    return locked
