"""Changes to the case as a whole, not to one workflow: editing its facts, assigning the
mediator and the professionals, recusal, handing open work on, recomputing deadlines.

Each ``do_*`` runs in one transaction, claims the case's version, saves and writes its
timeline event; views authorise with ``cases.access`` and validate with forms first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases import deadlines
from cases.changes import add_event, alert_risk, claim, grant_mediator, revoke_all, save_case
from cases.choices import (
    ACTIVE_STATES,
    EventKind,
)
from cases.models import Case, CaseEvent, FollowUp, Party
from clinic.actions import do_notify
from clinic.models import Holiday, User


@transaction.atomic
def do_update_case(
    case: Case, *, actor: User, version: int | None, changes: dict[str, Any]
) -> list[str]:
    """Save edits of the case's own fields; returns the names of the fields that changed."""
    claim(case, version)
    changed: dict[str, list[str]] = {}
    for field, value in changes.items():
        old = getattr(case, field)
        if old != value:
            changed[field] = [str(old), str(value)]
            setattr(case, field, value)
    if changed:
        save_case(case, actor, list(changed))
        add_event(case, actor=actor, kind=EventKind.EDITED, payload={"changes": changed})
        if "risk" in changed:
            alert_risk(case)
    return sorted(changed)


@transaction.atomic
def do_assign_mediator(case: Case, *, actor: User, mediator: User, note: str = "") -> None:
    previous = case.mediator
    if previous == mediator:
        return
    if previous is not None:
        remove_perm("change_case", previous, case)
        remove_perm("view_case", previous, case)
    case.mediator = mediator
    claim(case, None)
    save_case(case, actor, ["mediator"])
    grant_mediator(case, mediator)
    add_event(
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
    add_event(
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
    revoke_all(case, professional)
    add_event(case, actor=actor, kind=EventKind.ASSIGNED, payload={"removed": str(professional)})


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
    claim(case, version)
    previous = case.mediator
    add_event(
        case,
        actor=actor,
        kind=EventKind.RECUSED,
        note=reason,
        payload={"party": party.name, "mediator": str(previous or "")},
    )
    if previous is not None:
        revoke_all(case, previous)
        case.mediator = None
    do_assign_mediator(case, actor=actor, mediator=new_mediator, note=reason)


@transaction.atomic
def do_reassign_open_work(person: User, *, actor: User, to: User) -> int:
    """Someone leaves: their open cases and follow-ups go to another person."""
    moved = 0
    for case in Case.objects.open().filter(mediator=person):
        do_assign_mediator(case, actor=actor, mediator=to, note=_("Reassigned: the mediator left"))
        revoke_all(case, person)
        moved += 1
    for follow_up in FollowUp.objects.filter(assignee=person, done_at__isnull=True):
        FollowUp.objects.filter(pk=follow_up.pk).update(assignee=to)
        moved += 1
    for case in Case.objects.open().filter(
        caseuserobjectpermission__user=person,
        caseuserobjectpermission__permission__codename="advise_case",
    ):
        revoke_all(case, person)
        add_event(case, actor=actor, kind=EventKind.ASSIGNED, payload={"removed": str(person)})
        moved += 1
    return moved


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
    save_case(case, actor, [field, flag])
    if old == due:
        return 0
    add_event(
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
