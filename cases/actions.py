"""Changes to the case as a whole, not to one workflow: editing its facts, assigning the
mediator and the professionals, recusal, handing open work on, recomputing deadlines.

Each ``do_*`` runs in one transaction, claims the case's version, saves and writes its
timeline event; views authorise with ``cases.access`` and validate with forms first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases import deadlines, timeline
from cases.changes import (
    alert_risk,
    claim,
    grant_mediator,
    hand_to_street,
    revoke_all,
    save_case,
)
from cases.choices import (
    ACTIVE_STATES,
    OPEN_STATES,
    EventKind,
)
from cases.models import Case, CaseEvent, FollowUp, Party
from cases.people import coordinators
from clinic.choices import Level as RegionLevel
from clinic.choices import Role
from clinic.models import Holiday, Membership, User
from clinic.notify.dispatch import notify
from clinic.notify.notices import ref


@transaction.atomic
def do_update_case(
    case: Case, *, actor: User, version: int | None, changes: dict[str, Any]
) -> list[str]:
    """Save edits of the case's own fields; returns the names of the fields that changed."""
    claim(case, version)
    changed: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        old = getattr(case, field)
        if old != value:
            changed[field] = (old, value)
            setattr(case, field, value)
    if changed:
        save_case(case, actor, list(changed))
        timeline.case_edited(case, actor=actor, changes=changed)
        if "risk" in changed:
            alert_risk(case)
    return sorted(changed)


@transaction.atomic
def do_assign_mediator(case: Case, *, actor: User, mediator: User, note: str = "") -> None:
    previous = case.mediator
    if previous == mediator:
        return
    hand_to(case, mediator, actor=actor)
    timeline.assigned(case, actor=actor, mediator=mediator, previous=previous, note=note)


def hand_to(case: Case, mediator: User, *, actor: User) -> None:
    """The case goes to ``mediator`` (the previous one loses it), who is told; no event: the
    caller writes the one that says why."""
    previous = case.mediator
    if previous is not None:
        remove_perm("change_case", previous, case)
        remove_perm("view_case", previous, case)
    case.mediator = mediator
    claim(case, None)
    save_case(case, actor, ["mediator"])
    grant_mediator(case, mediator)
    notify(
        "cases.assigned",
        {"case": ref(case)},
        [mediator],
        key=f"case:{case.pk}:mediator:{mediator.pk}",
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_assign_professional(case: Case, *, actor: User, professional: User, role: str) -> None:
    for perm in ("view_case", "advise_case"):
        assign_perm(perm, professional, case)
    timeline.professional_assigned(case, actor=actor, professional=professional, role=role)
    notify(
        "cases.professional_asked",
        {"case": ref(case)},
        [professional],
        key=f"case:{case.pk}:professional:{professional.pk}",
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_unassign_professional(case: Case, *, actor: User, professional: User) -> None:
    revoke_all(case, professional)
    timeline.professional_unassigned(case, actor=actor, professional=professional)


@transaction.atomic
def do_recuse_mediator(
    case: Case,
    *,
    actor: User,
    version: int | None,
    reason: str,
    party: Party | None = None,
    new_mediator: User | None = None,
    escalate: bool = False,
) -> None:
    """回避: a party objects to the mediator, or the mediator steps aside (no ``party``). The
    mediator loses the case (and reading it); the case goes to ``new_mediator`` (one of the
    same committee), or to the street committee (``escalate``: the committee has no other),
    or waits for the coordinator to assign one. The coordinators are told."""
    claim(case, version)
    previous = case.mediator
    if previous is not None:
        revoke_all(case, previous)
        case.mediator = None
    if new_mediator is not None:
        hand_to(case, new_mediator, actor=actor)
    else:
        save_case(case, actor, ["mediator"])
    timeline.recused(
        case,
        actor=actor,
        party=party,
        mediator=previous,
        new_mediator=new_mediator,
        reason=reason,
        escalated=escalate and new_mediator is None,
    )
    if escalate and new_mediator is None:
        hand_to_street(case, actor=actor, reason=reason)
    if party is None:
        template, who = "cases.mediator_stepped_aside", {"name": str(previous or "")}
    else:
        template, who = "cases.mediator_objected", {"party": party.name}
    notify(
        template,
        {**who, "case": ref(case), "reason": reason[:300]},
        [u for u in coordinators(case) if u.pk != actor.pk],
        key=f"case:{case.pk}:recused:{case.version}",
        url=case.get_absolute_url(),
    )


@transaction.atomic
def do_reassign_open_work(person: User, *, actor: User, to: User) -> int:
    """Someone leaves: their open cases and follow-ups go to another person. Each case that
    changed gets one event saying what moved. Returns how many cases, follow-ups and advisory
    roles moved."""
    cases: dict[int, Case] = {}
    mediated: set[int] = set()
    follow_ups: Counter[int] = Counter()
    advised: set[int] = set()
    for case in Case.objects.open().filter(mediator=person).order_by("pk"):
        hand_to(case, to, actor=actor)
        revoke_all(case, person)
        cases[case.pk] = case
        mediated.add(case.pk)
    for follow_up in FollowUp.objects.pending().filter(assignee=person).select_related("case"):
        FollowUp.objects.filter(pk=follow_up.pk).update(
            assignee=to, row_version=F("row_version") + 1
        )
        cases.setdefault(follow_up.case_id, follow_up.case)
        follow_ups[follow_up.case_id] += 1
    for case in Case.objects.open().filter(
        caseuserobjectpermission__user=person,
        caseuserobjectpermission__permission__codename="advise_case",
    ):
        revoke_all(case, person)
        cases.setdefault(case.pk, case)
        advised.add(case.pk)
    for pk, case in sorted(cases.items()):
        timeline.work_reassigned(
            case,
            actor=actor,
            person=person,
            to=to,
            mediator=pk in mediated,
            follow_ups=follow_ups[pk],
            adviser=pk in advised,
        )
    return len(mediated) + sum(follow_ups.values()) + len(advised)


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
    timeline.deadline_moved(
        case, actor=actor, field=field, old=old, new=due, provisional=provisional
    )
    return 1


def do_grant_committee_cases(membership: Membership, *, actor: User | None) -> int:
    """A mediator who joins a street committee may work the cases escalated to it at once, as
    those there at the escalation could (``hand_to_street``). Returns how many cases."""
    street = membership.street_id
    if membership.role != Role.MEDIATOR or membership.level != RegionLevel.STREET or not street:
        return 0
    escalated = Case.objects.filter(
        committee__level="street",
        committee__street_id=street,
        state__in=OPEN_STATES,
    ).order_by("pk")
    count = 0
    for case in escalated:
        grant_mediator(case, membership.user)
        count += 1
    return count
