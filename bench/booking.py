"""Booking a shift when 100,000 shifts are stored ≤ 2× booking one when 1,000 are.

Its own database (``clinic_bench_booking``): the demo district, then sessions with their
seats (and a booking on one in ten, the judge's own among them) added until the store holds
the number being measured. Each measured booking is rolled back, so every round books into
the same state; rounds at the two sizes are measured apart but with the same code path.
Each size is measured in a child process (``bench.child``).
"""

from __future__ import annotations

import io
import os
import statistics as stats
import time
from datetime import datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from bench import result, run_child
from clinic.models import Clinic, User
from scheduling import actions
from scheduling.models import Booking, ClinicSession, Commitment, Seat

BOOKINGS = 40


def _fill(total: int) -> None:
    """Store ``total`` sessions (past and future) at the demo clinics."""
    have = ClinicSession.objects.count()
    clinics = list(Clinic.objects.order_by("pk"))
    people = list(User.objects.filter(memberships__role__in=["lawyer", "police"]).distinct())
    start = datetime(2000, 1, 3, 9, 0, tzinfo=timezone.get_current_timezone())
    batch: list[ClinicSession] = []
    for n in range(have, total):
        at = start + timedelta(hours=3 * n)  # one after another: nobody's shifts overlap
        batch.append(
            ClinicSession(
                clinic=clinics[n % len(clinics)],
                starts_at=at,
                ends_at=at + timedelta(hours=2, minutes=30),
                place="调解室",
                kind="regular",
                status="published",
            )
        )
        if len(batch) == 5000 or n == total - 1:
            sessions = ClinicSession.objects.bulk_create(batch)
            seats = Seat.objects.bulk_create(
                Seat(session=s, role=role, index=0)
                for s in sessions
                for role in ("judge", "lawyer", "police", "prosecutor")
            )
            lawyer_seats = [seat for seat in seats if seat.role == "lawyer"][::10]
            commitments = Commitment.objects.bulk_create(
                Commitment(
                    person=people[i % len(people)],
                    starts_at=seat.session.starts_at,
                    ends_at=seat.session.ends_at,
                    kind="shift",
                    title="坐诊",
                )
                for i, seat in enumerate(lawyer_seats)
            )
            Booking.objects.bulk_create(
                Booking(
                    seat=seat, person=c.person, booked_by=c.person, commitment=c, status="active"
                )
                for seat, c in zip(lawyer_seats, commitments, strict=True)
            )
            batch = []


def measure(total: int) -> float:
    """Median seconds of one booking with ``total`` sessions stored."""
    if not Clinic.objects.exists():
        call_command("seed_demo", "--base-only", stdout=io.StringIO())
    _fill(total)
    judge = User.objects.get(username="judge")
    clinic = Clinic.objects.get(slug="jinjianglu")
    times = []
    for n in range(BOOKINGS + 5):
        at = timezone.now() + timedelta(days=30, hours=3 * n)
        with transaction.atomic():
            session = actions.do_create_session(
                clinic,
                starts_at=at,
                ends_at=at + timedelta(hours=2),
                place="调解室",
                kind="regular",
                status="published",
            )
            seat = session.seats.get(role="judge")
            started = time.perf_counter()
            actions.do_book_seat(seat, person=judge, actor=judge)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        if n >= 5:  # the first few warm the caches
            times.append(elapsed)
    return stats.median(times)


def child() -> float:
    """In the child process: ``measure`` at ``BENCH_BOOKING_SESSIONS``."""
    return measure(int(os.environ["BENCH_BOOKING_SESSIONS"]))


def _child(total: int, *, fresh: bool) -> float:
    return run_child(
        "bench.booking",
        "clinic_bench_booking",
        BENCH_BOOKING_SESSIONS=str(total),
        BENCH_FRESH="1" if fresh else "0",
    )


def run(small: bool) -> list[dict[str, Any]]:
    few, many = 1_000, (10_000 if small else 100_000)
    baseline = _child(few, fresh=True)
    value = _child(many, fresh=False)  # the same database, grown: the small store first
    return [
        result(f"booking_with_{many}_shifts_vs_{few}", value * 1000, baseline * 1000, 2.0, "ms")
    ]
