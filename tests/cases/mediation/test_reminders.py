"""Due and overdue cases are items of their mediator's and coordinator's daily reminder (the
digest at 08:00): one notification a person a day listing them, not one notice a case a day;
the next day the same overdue case says how long it is overdue, no longer new."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.choices import State
from cases.models import Case
from clinic.models import Notification
from clinic.notify.render import render_notification
from tests.cases.factories import in_state


def at_eight(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )


def digests(username: str) -> list[tuple[str, list[str]]]:
    """The person's daily reminders as they read them (title, lines), oldest first."""
    found = Notification.objects.filter(user__username=username, key__startswith="digest:")
    return [
        (shown.title, shown.body.splitlines())
        for shown in (render_notification(n) for n in found.order_by("created_at", "pk"))
    ]


def about(number: str, lines: list[str]) -> list[str]:
    return [line for line in lines if number in line]


def test_due_and_overdue_cases_come_in_one_daily_reminder_a_person(demo: None) -> None:
    due_soon = in_state(State.SIT_IN)
    overdue = in_state(State.PATROL)
    later = in_state(State.SIT_IN)
    today = timezone.localdate()
    Case.objects.filter(pk=due_soon.pk).update(mediation_due=today + timedelta(days=2))
    Case.objects.filter(pk=overdue.pk).update(mediation_due=today - timedelta(days=1))
    Case.objects.filter(pk=later.pk).update(mediation_due=today + timedelta(days=20))
    with at_eight(today):
        call_command("send_digests", stdout=io.StringIO())
        call_command("send_digests", stdout=io.StringIO())  # run twice: sent once

    for username in ("mediator", "coordinator"):
        [(title, lines)] = digests(username)
        assert title.startswith("每日提醒：")
        [overdue_line] = about(overdue.number, lines)
        assert overdue_line.startswith("【新】自 ") and overdue_line.endswith("（已逾期 1 天）")
        [due_line] = about(due_soon.number, lines)
        assert due_line.startswith("【新】调解期限 ") and "到期" in due_line
        assert not about(later.number, lines)
    # no notice of its own for each case
    assert not Notification.objects.filter(template__startswith="cases.mediation_")


def test_the_next_day_the_same_overdue_case_says_how_long_it_is_overdue(demo: None) -> None:
    case = in_state(State.SIT_IN)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(mediation_due=today - timedelta(days=1))
    out = io.StringIO()
    with at_eight(today):
        call_command("send_digests", stdout=out)
    with at_eight(today + timedelta(days=1)):
        call_command("send_digests", stdout=out)

    first, second = digests("mediator")
    assert about(case.number, first[1]) == [
        f"【新】自 {chinese_date(today - timedelta(days=1))} 起已逾期：{case.number}（已逾期 1 天）"
    ]
    assert about(case.number, second[1]) == [
        f"自 {chinese_date(today - timedelta(days=1))} 起已逾期：{case.number}（已逾期 2 天）"
    ]
    assert "digests written." in out.getvalue()


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
