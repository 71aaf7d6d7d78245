"""复诊: the return visits after a settlement, their reminders and the visit planned in the
assignee's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.changes import StaleCase, fire
from cases.choices import (
    Performance,
    Setback,
    State,
)
from cases.models import Agreement, Case, FollowUp, FollowUpSetback, PerformanceItem
from cases.people import coordinators
from clinic.lib.versions import Claim, bump
from clinic.models import User
from clinic.notify.digest import remind
from clinic.notify.dispatch import notify
from clinic.notify.notices import choice, day, ref
from scheduling.actions import do_book_commitment, do_release_commitment
from scheduling.choices import CommitmentKind

#: Days until a new follow-up after performance was urged, when no later performance date of
#: the agreement is still to come.
URGE_FOLLOW_UP_DAYS = 15


#: Days after settlement for the follow-up when the agreement names no deadline.
DEFAULT_FOLLOW_UP_DAYS = 30


def follow_up_dates(
    agreement: Agreement, settled_on: date
) -> list[tuple[date, PerformanceItem | None]]:
    """When to go back, and which performance item each visit checks: one follow-up on each
    due date of an item still to be performed, else the agreement's deadline, else 30 days
    after settlement."""
    items = [item for item in agreement.items.all() if item.performed_on is None]
    if items:
        return [(item.due_on, item) for item in items]
    if agreement.performance_deadline:
        return [(agreement.performance_deadline, None)]
    return [(settled_on + timedelta(days=DEFAULT_FOLLOW_UP_DAYS), None)]


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
    setbacks: Iterable[str] = (),
    setback_note: str = "",
    claim: Claim | None = None,
) -> FollowUp | None:
    """Record a return visit. Fully performed marks the item it checks performed and, with no
    other follow-up open, closes the case; partly or not performed records urging (督促履行)
    and sets a new follow-up on the agreement's next performance date (returned). Not
    performed at all is told to the case's mediator and the coordinators at once; a new risk
    alerts the coordinators. ``setbacks``: what went wrong since the settlement
    (``Setback`` values; ``setback_note`` says more), told to the mediator and the
    coordinators. ``claim``: the follow-up form's (one recorded meanwhile by someone else is
    shown as they recorded it)."""
    (claim or bump)(FollowUp.objects.select_for_update().get(pk=follow_up.pk))
    claimed = (
        FollowUp.objects.pending()
        .filter(pk=follow_up.pk)
        .update(
            done_at=timezone.now(),
            done_by=actor,
            method=method,
            performance=performance,
            satisfaction=satisfaction,
            findings=findings,
            new_risk=new_risk,
            setback_note=setback_note,
            urged=performance != Performance.FULL,
        )
    )
    if not claimed:
        if FollowUp.objects.filter(pk=follow_up.pk, cancelled_at__isnull=False).exists():
            raise StaleCase(_("This follow-up was cancelled: the case was reopened."))
        raise StaleCase(_("This follow-up was already recorded by someone else."))
    follow_up.refresh_from_db()
    chosen = set(setbacks)
    found = [kind for kind in Setback.values if kind in chosen]  # in the form's order
    FollowUpSetback.objects.bulk_create(
        [FollowUpSetback(follow_up=follow_up, kind=kind) for kind in found]
    )
    case = Case.objects.get(pk=follow_up.case_id)
    timeline.follow_up_recorded(case, actor=actor, follow_up=follow_up, setbacks=found)
    successor = None
    if performance == Performance.FULL:
        if follow_up.performance_item_id is not None:
            PerformanceItem.objects.filter(
                pk=follow_up.performance_item_id, performed_on__isnull=True
            ).update(performed_on=timezone.localdate(), row_version=F("row_version") + 1)
        if case.state == State.FOLLOW_UP and not case.follow_ups.pending():
            fire(case, "complete_follow_up", actor=actor, version=case.version)
    else:
        successor = FollowUp.objects.create(
            case=case,
            agreement=follow_up.agreement,
            performance_item=follow_up.performance_item,
            due_on=urged_due_on(follow_up),
            assignee=follow_up.assignee,
        )
    if performance == Performance.NONE:
        notify(
            "cases.agreement_not_performed",
            {"case": ref(case), "findings": findings[:300]},
            [person for person in [case.mediator, *coordinators(case)] if person is not None],
            key=f"follow_up:{follow_up.pk}:not_performed",
            url=case.get_absolute_url(),
        )
    if new_risk.strip():
        notify(
            "cases.follow_up_risk",
            {"case": ref(case), "risk": new_risk[:300]},
            coordinators(case),
            key=f"follow_up:{follow_up.pk}:risk",
            url=case.get_absolute_url(),
        )
    if found:
        notify(
            "cases.follow_up_setbacks",
            {
                "case": ref(case),
                "what": [choice(Setback(kind).label) for kind in found],
                "note": setback_note[:300],
            },
            [person for person in [case.mediator, *coordinators(case)] if person is not None],
            key=f"follow_up:{follow_up.pk}:setbacks",
            url=case.get_absolute_url(),
        )
    return successor


def urged_due_on(follow_up: FollowUp) -> date:
    """When to go back after urging: the next performance date of the agreement still to be
    performed (after the one this follow-up checked), or in 15 days when there is none or
    that date is not still to come."""
    today = timezone.localdate()
    fallback = today + timedelta(days=URGE_FOLLOW_UP_DAYS)
    if follow_up.agreement_id is None:
        return fallback
    pending = PerformanceItem.objects.filter(
        agreement_id=follow_up.agreement_id, performed_on__isnull=True
    )
    checked = follow_up.performance_item
    if checked is not None:
        pending = pending.exclude(pk=checked.pk).filter(due_on__gte=checked.due_on)
    following = pending.order_by("due_on", "pk").first()
    if following is None or following.due_on <= today:
        return fallback
    return following.due_on


@transaction.atomic
def do_schedule_follow_up_visit(
    follow_up: FollowUp,
    *,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    claim: Claim | None = None,
) -> None:
    """Plan the return visit in the assignee's calendar (a clash refuses it), in place of one
    planned before; the case's timeline says when. ``claim``: the planning form's."""
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    (claim or bump)(locked)
    follow_up.appointment = locked.appointment  # the one planned last, by whoever planned it
    if follow_up.appointment is not None:
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
    follow_up.appointment = commitment
    timeline.follow_up_visit_planned(
        follow_up.case,
        actor=actor,
        follow_up=follow_up,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def do_send_followup_reminders(today: date | None = None, *, actor: User | None) -> int:
    """Remind of follow-ups due within 3 days their assignee, and of overdue ones also the
    coordinators, through their daily digest (``clinic.notify.digest.remind``: the follow-up
    is an item of it while it is pending); the case's timeline says who was reminded, once a
    day. Returns how many people were reminded of a follow-up for the first time today: a
    second run the same day reminds no one anew (and writes no event). ``actor`` is ``None``
    when the daily digest runs it (``collect_followup_reminders``)."""
    today = today or timezone.localdate()
    sent = 0
    due = (
        FollowUp.objects.pending()
        .filter(due_on__lte=today + timedelta(days=3))
        .select_related("case__community", "assignee")
    )
    for follow_up in due:
        overdue = follow_up.due_on < today
        recipients = [follow_up.assignee]
        if overdue:
            recipients += coordinators(follow_up.case)
        with transaction.atomic():
            reminded = remind(
                recipients,
                subject=f"follow_up:{follow_up.pk}:due",
                template="cases.follow_up_overdue" if overdue else "cases.follow_up_due",
                params={"due": day(follow_up.due_on), "case": ref(follow_up.case)},
                url=reverse("cases:record_follow_up", args=[follow_up.pk]),
                due=follow_up.due_on,
                today=today,
            )
            if reminded:
                timeline.reminder_sent(
                    follow_up.case,
                    actor=actor,
                    about="follow_up",
                    due=follow_up.due_on,
                    overdue=overdue,
                    recipients=reminded,
                )
            sent += len(reminded)
    return sent


def collect_followup_reminders(today: date) -> int:
    """The daily digest's collector (``cases/notices.py``) of the due and overdue follow-ups."""
    return do_send_followup_reminders(today, actor=None)
