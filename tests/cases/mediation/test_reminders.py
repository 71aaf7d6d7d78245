from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from cases.choices import State
from cases.models import Case
from clinic.models import Notification
from tests.cases.factories import in_state


def test_due_and_overdue_cases_are_reminded_once_a_day(demo: None) -> None:
    due_soon = in_state(State.SIT_IN)
    overdue = in_state(State.PATROL)
    later = in_state(State.SIT_IN)
    today = timezone.localdate()
    Case.objects.filter(pk=due_soon.pk).update(mediation_due=today + timedelta(days=2))
    Case.objects.filter(pk=overdue.pk).update(mediation_due=today - timedelta(days=1))
    Case.objects.filter(pk=later.pk).update(mediation_due=today + timedelta(days=20))
    call_command("send_case_reminders", stdout=io.StringIO())
    first = Notification.objects.count()
    call_command("send_case_reminders", stdout=io.StringIO())
    assert Notification.objects.count() == first
    titles = list(Notification.objects.values_list("user__username", "title"))
    assert {u for u, _ in titles} == {"mediator", "coordinator"}
    assert first == 4  # two cases, two people each
    assert any(overdue.number in t and "逾期" in t for _, t in titles)
    assert not any(later.number in t for _, t in titles)
