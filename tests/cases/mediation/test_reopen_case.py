"""Reopening (重新调解) keeps the history the figures rest on: the earlier settlement stays in
the period it happened in, the reopening is a re-acceptance of its own period, and the pending
follow-ups are cancelled, not deleted."""

from __future__ import annotations

import importlib
import io
from datetime import datetime, timedelta
from decimal import Decimal

import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cases.access import open_work_for
from cases.changes import save_case
from cases.choices import State
from cases.follow_ups.actions import do_schedule_follow_up_visit
from cases.mediation.actions import do_reopen_case, do_settle_case, do_update_confirmation
from cases.models import Case, CaseReopening, FollowUp
from cases.selectors import my_work
from cases.statistics import figures
from clinic.models import Community, Notification
from clinic.notify.render import render_notification
from scheduling.models import Commitment
from tests.cases.factories import fresh, in_state, signed_agreement, user
from tests.conftest import client_for

TZ = timezone.get_current_timezone()
AUGUST = datetime(2026, 8, 10, 10, tzinfo=TZ)
SEPTEMBER = datetime(2026, 9, 7, 10, tzinfo=TZ)


def settled_in_august() -> Case:
    """A dispute of 金江路社区 accepted and settled in writing on 10 August, 9000 yuan
    agreed."""
    with time_machine.travel(AUGUST, tick=False):
        case = in_state(State.FOLLOW_UP)
        case.amount_agreed = Decimal(9000)
        save_case(case, user("mediator"), ["amount_agreed"])
    return fresh(case)


def reopen_in_september(case: Case) -> None:
    """The court refuses confirmation and the case is reopened, on 7 September."""
    with time_machine.travel(SEPTEMBER, tick=False):
        agreement = fresh(case).current_agreement
        assert agreement is not None
        do_update_confirmation(
            agreement,
            actor=user("mediator"),
            data={
                "confirmation": "refused",
                "confirmation_court": "盘龙区人民法院",
                "confirmation_applied_on": AUGUST.date(),
                "confirmation_decided_on": SEPTEMBER.date(),
            },
        )
        do_reopen_case(
            fresh(case),
            actor=user("mediator"),
            version=None,
            reason="法院裁定不予确认",
            both_parties_ask=False,
        )


def total(month: str) -> figures.Row:
    communities = list(Community.objects.filter(name="金江路社区"))
    return figures.compute(communities, figures.parse_period(month), "金江路社区").total


def test_the_earlier_settlement_stays_in_its_period_and_the_reopening_is_re_accepted(
    demo: None,
) -> None:
    case = settled_in_august()
    before = total("2026-08")
    assert (before.accepted, before.settled, before.amount_agreed) == (1, 1, Decimal(9000))
    reopen_in_september(case)
    with time_machine.travel(SEPTEMBER + timedelta(days=10), tick=False):
        signed_agreement(fresh(case))
        do_settle_case(fresh(case), actor=user("mediator"), version=None)
    august, september = total("2026-08"), total("2026-09")
    assert (august.accepted, august.settled, august.written) == (1, 1, 1)
    assert august.amount_agreed == Decimal(9000)  # the earlier round, as it was
    assert (september.accepted, september.reaccepted, september.settled) == (1, 1, 1)
    assert (september.carried_in, september.still_open) == (0, 0)
    assert august.balance_holds and september.balance_holds
    reopening = CaseReopening.objects.get(case=case)
    assert (reopening.outcome, reopening.level, reopening.by) == (
        "settled_written",
        "community",
        user("mediator"),
    )
    assert reopening.settled_at is not None and reopening.settled_at.date() == AUGUST.date()
    assert reopening.accepted_at == fresh(case).accepted_at
    assert reopening.amount_agreed == Decimal(9000) and reopening.reason == "法院裁定不予确认"


def test_a_reopened_case_still_open_is_carried_over(demo: None) -> None:
    case = settled_in_august()
    reopen_in_september(case)
    september, october = total("2026-09"), total("2026-10")
    assert (september.accepted, september.still_open) == (1, 1)
    assert (october.carried_in, october.still_open) == (1, 1)
    assert fresh(case).state == State.SIT_IN


def test_a_reopened_case_gets_a_new_mediation_period_and_is_not_overdue(demo: None) -> None:
    """Settled on 10 August (its mediation then due on 10 September), reopened on 7 September:
    mediated again from that day, so on 20 September the earlier due date does not make it
    overdue."""
    case = settled_in_august()
    earlier_due = fresh(case).mediation_due
    reopen_in_september(case)
    reopened = fresh(case)
    assert reopened.mediation_due is not None and earlier_due is not None
    assert reopened.mediation_due > earlier_due
    assert reopened.mediation_due > SEPTEMBER.date() + timedelta(days=13)
    assert CaseReopening.objects.get(case=case).mediation_due == earlier_due
    with time_machine.travel(SEPTEMBER + timedelta(days=13), tick=False):
        assert earlier_due < timezone.localdate()
        assert total("2026-09").overdue == 0


def test_pending_follow_ups_are_cancelled_not_deleted_and_leave_every_list(demo: None) -> None:
    case = settled_in_august()
    follow_up = FollowUp.objects.get(case=case)
    with time_machine.travel(AUGUST + timedelta(days=1), tick=False):
        starts_at = AUGUST + timedelta(days=20, hours=4)
        do_schedule_follow_up_visit(
            follow_up,
            actor=user("mediator"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            place="申请人家中",
        )
    planned = fresh_follow_up(follow_up).appointment
    assert planned is not None and planned.active
    reopen_in_september(case)
    kept = fresh_follow_up(follow_up)
    assert kept.cancelled_at is not None and kept.done_at is None
    assert not kept.is_overdue and not FollowUp.objects.filter(case=case).pending().exists()
    assert not Commitment.objects.get(pk=planned.pk).active  # out of the assignee's calendar
    mediator = user("mediator")
    assert not list(my_work(mediator, "mediator")["follow_ups"])
    follow_up_work = gettext("Follow-up of %(case)s") % {"case": fresh(case)}
    assert follow_up_work not in [label for label, _url in open_work_for(mediator)]
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=timezone.localdate())
    call_command("send_digests", stdout=io.StringIO())
    for digest in Notification.objects.filter(key__startswith="digest:"):
        assert "回访" not in render_notification(digest).body  # no reminder of it
    client = client_for("mediator")
    url = reverse("cases:record_follow_up", args=[follow_up.pk])
    assert client.get(url).status_code == 403
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "the case was reopened" in page or "案件已重新调解" in page


def fresh_follow_up(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.get(pk=follow_up.pk)


def test_reopenings_made_before_are_filled_in_from_the_timeline_and_field_history(
    demo: None,
) -> None:
    """The migration's backfill gives a reopening made before ``CaseReopening`` existed the
    same earlier round the action records now."""
    case = settled_in_august()
    reopen_in_september(case)
    recorded = CaseReopening.objects.get(case=case)
    CaseReopening.objects.all().delete()
    migration = importlib.import_module("cases.migrations.0025_report_history")
    migration.keep_earlier_rounds(django_apps, None)
    filled = CaseReopening.objects.get(case=case)
    fields = ("outcome", "level", "settled_at", "amount_agreed", "accepted_at", "by", "reason")
    assert [getattr(filled, f) for f in fields] == [getattr(recorded, f) for f in fields]
    assert filled.agreement == recorded.agreement
    assert abs(filled.at - recorded.at) < timedelta(seconds=1)
