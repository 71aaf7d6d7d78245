"""复诊: the return visits after a settlement, their reminders and the visit planned in the
assignee's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import timeline
from cases.changes import StaleCase, fire
from cases.choices import (
    Performance,
    State,
)
from cases.models import Agreement, Case, FollowUp
from cases.people import coordinators
from clinic.actions import do_notify
from clinic.models import User
from scheduling.actions import do_book_commitment, do_release_commitment
from scheduling.choices import CommitmentKind

#: Days until a new follow-up after performance was urged.
URGE_FOLLOW_UP_DAYS = 15


#: Days after settlement for the follow-up when the agreement names no deadline.
DEFAULT_FOLLOW_UP_DAYS = 30


def follow_up_dates(agreement: Agreement, settled_on: date) -> list[tuple[date, Any]]:
    items = list(agreement.items.all())
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
    timeline.follow_up_recorded(case, actor=actor, follow_up=follow_up)
    successor = None
    if performance == Performance.FULL:
        if case.state == State.FOLLOW_UP and not case.follow_ups.filter(done_at__isnull=True):
            fire(case, "complete_follow_up", actor=actor, version=case.version)
    else:
        successor = FollowUp.objects.create(
            case=case,
            agreement=follow_up.agreement,
            due_on=timezone.localdate() + timedelta(days=URGE_FOLLOW_UP_DAYS),
            assignee=follow_up.assignee,
        )
    if new_risk.strip():
        do_notify(
            coordinators(case),
            key=f"follow_up:{follow_up.pk}:risk",
            title=_("New risk found at a follow-up of %(case)s") % {"case": case},
            body=new_risk[:300],
            url=case.get_absolute_url(),
        )
    return successor


@transaction.atomic
def do_schedule_follow_up_visit(
    follow_up: FollowUp, *, actor: User, starts_at: datetime, ends_at: datetime, place: str
) -> None:
    """Plan the return visit in the assignee's calendar (a clash refuses it), in place of one
    planned before; the case's timeline says when."""
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
    """Reminders are written in the site's language (a worker has no request). ``actor`` is
    ``None`` when the daily job sends them."""
    with translation.override(settings.LANGUAGE_CODE):
        return _do_send_followup_reminders(today, actor=actor)


def _do_send_followup_reminders(today: date | None, *, actor: User | None) -> int:
    """Follow-ups due within 3 days go to their assignee; overdue ones also to the
    coordinator; the case's timeline says who was reminded. Keys carry the day: a second run
    the same day sends nothing new (and writes no event)."""
    today = today or timezone.localdate()
    sent = 0
    due = FollowUp.objects.filter(
        done_at__isnull=True, due_on__lte=today + timedelta(days=3)
    ).select_related("case__community", "assignee")
    for follow_up in due:
        overdue = follow_up.due_on < today
        recipients = [follow_up.assignee] if follow_up.assignee.is_active else []
        if overdue:
            recipients += coordinators(follow_up.case)
            title = _("Follow-up overdue since %(due)s: %(case)s")
        else:
            title = _("Follow-up due on %(due)s: %(case)s")
        with transaction.atomic():
            notified = do_notify(
                recipients,
                key=f"follow_up:{follow_up.pk}:due:{today.isoformat()}",
                title=title % {"due": follow_up.due_on, "case": follow_up.case},
                url=reverse("cases:record_follow_up", args=[follow_up.pk]),
            )
            if notified:
                timeline.reminder_sent(
                    follow_up.case,
                    actor=actor,
                    about="follow_up",
                    due=follow_up.due_on,
                    overdue=overdue,
                    recipients=[n.user for n in notified],
                )
            sent += len(notified)
    return sent
