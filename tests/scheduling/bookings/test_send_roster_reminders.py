from __future__ import annotations

import io

from django.core.management import call_command

from clinic.models import Notification
from scheduling.actions.bookings import do_book_seat
from tests.scheduling.factories import at, seat, session, user


def test_the_day_before_and_seven_days_ahead_reminders_are_sent_once(demo: None) -> None:
    tomorrow = session(starts_at=at(days=1))
    do_book_seat(seat(tomorrow, "judge"), person=user("judge"), actor=user("judge"))
    session(starts_at=at(days=7))  # nobody booked yet
    call_command("send_roster_reminders", stdout=io.StringIO())
    call_command("send_roster_reminders", stdout=io.StringIO())
    judge = Notification.objects.filter(user__username="judge")
    coordinator = Notification.objects.filter(user__username="coordinator")
    assert judge.count() == 1 and "明天" in judge.get().title
    assert coordinator.count() == 1 and "4" in coordinator.get().title
