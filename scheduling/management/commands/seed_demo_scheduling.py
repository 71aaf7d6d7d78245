"""``manage.py seed_demo_scheduling`` (run by ``seed_demo``): weekly patterns for the demo
clinics and three months of sessions (last, this and next month), most seats booked through
the roster suggestion, a few left open, past shifts with attendance. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from clinic.lib.commands import AuditedCommand
from clinic.models import Clinic, User
from scheduling.actions.bookings import do_mark_attendance
from scheduling.actions.sessions import (
    do_generate_sessions,
    do_publish_sessions,
    do_save_pattern,
    do_save_settings,
)
from scheduling.actions.suggestions import do_accept_suggestion, suggestion_for
from scheduling.choices import SessionKind
from scheduling.models import Booking, ClinicSession, Seat, WeeklyPattern

# clinic slug → [(weekday, from, until, kind)]
PATTERNS = {
    "jinjianglu": [
        (2, time(9), time(11, 30), SessionKind.REGULAR),
        (4, time(14, 30), time(17), SessionKind.REGULAR),
    ],
    "beichen": [(1, time(9), time(11, 30), SessionKind.REGULAR)],
    "jinse": [
        (3, time(9), time(11, 30), SessionKind.REGULAR),
        (5, time(9, 30), time(11, 30), SessionKind.POPUP),
    ],
    "tianyuanlu": [(0, time(14, 30), time(17), SessionKind.REGULAR)],
}


def _months(today: date) -> list[tuple[int, int]]:
    first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return [(d.year, d.month) for d in (previous, first, following)]


class Command(AuditedCommand):
    help = "Add demo roster patterns, sessions and bookings (run by seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if WeeklyPattern.objects.exists():
            self.stdout.write("Roster demo data already present.")
            return
        try:
            # a development extra, not installed in production
            import time_machine  # noqa: PLC0415
        except ImportError as error:
            raise CommandError("Demo roster data needs the development extras.") from error
        coordinator = User.objects.get(username="coordinator")
        clinics = list(Clinic.objects.filter(slug__in=PATTERNS).select_related("community__street"))
        today = timezone.localdate()
        months = _months(today)
        # The roster as it stood at the start of today, so a seed any time of the day gives the
        # same shifts and the same attendance.
        start_of_today = timezone.make_aware(datetime.combine(today, time(0)))
        with transaction.atomic():
            for clinic in clinics:
                # a small district: the few demo professionals sit more often than the default
                do_save_settings(clinic, data={"max_shifts": 12})
                for weekday, starts, ends, kind in PATTERNS[clinic.slug]:
                    do_save_pattern(
                        clinic,
                        data={
                            "weekday": weekday,
                            "starts": starts,
                            "ends": ends,
                            "kind": kind,
                            "place": clinic.address if kind == SessionKind.REGULAR else "社区广场",
                        },
                    )
            # Book each month as it would have been, on its first day.
            for year, month in months:
                moment = datetime(
                    year, month, 1, 8, tzinfo=timezone.get_current_timezone()
                ) - timedelta(days=3)
                with time_machine.travel(min(moment, start_of_today), tick=False):
                    for clinic in clinics:
                        do_generate_sessions(clinic, year=year, month=month)
                        do_publish_sessions(
                            ClinicSession.objects.filter(
                                clinic=clinic, starts_at__year=year, starts_at__month=month
                            )
                        )
                    found = suggestion_for(
                        clinics, year=year, month=month, seconds=3, deterministic=True
                    )
                    pairs = [
                        (Seat.objects.get(pk=seat_id), found.people[person_id])
                        for index, (seat_id, person_id) in enumerate(
                            sorted(found.result.assignments.items())
                        )
                        if index % 9 != 4  # leave a few gaps for the coordinator
                    ]
                    do_accept_suggestion(pairs, actor=coordinator)
            past = Booking.objects.filter(seat__session__ends_at__lt=start_of_today).select_related(
                "seat__session"
            )
            for index, booking in enumerate(past):
                attendance = "absent" if index % 11 == 5 else "present"
                do_mark_attendance(booking, attendance=attendance)
        self.stdout.write(
            f"{ClinicSession.objects.count()} demo sessions, {Booking.objects.count()} bookings."
        )
