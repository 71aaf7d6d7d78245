"""Data generators for benchmarks and the tests that share their shapes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.solver import Candidate, SeatSlot

ROLES = ["judge", "prosecutor", "police", "lawyer"]


def street(seed: int = 7) -> tuple[list[SeatSlot], list[Candidate]]:
    rng = random.Random(seed)  # noqa: S311  reproducible data, not secrets
    base = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    seats, seat_id = [], 0
    for clinic in range(10):
        days = rng.sample(range(28), 8)
        for day in days:
            start = base + timedelta(days=day, hours=rng.choice([0, 5]))
            for role in ROLES:
                seat_id += 1
                seats.append(SeatSlot(seat_id, clinic, role, start, start + timedelta(hours=2.5)))
    people = ["judge"] * 12 + ["prosecutor"] * 12 + ["police"] * 16 + ["lawyer"] * 20
    candidates = []
    for person, role in enumerate(people):
        served = 10 if role in {"judge", "prosecutor"} else rng.choice([1, 2, 3])
        clinics = frozenset(rng.sample(range(10), served))
        leave_days = rng.sample(range(28), 3)
        busy = tuple(
            (base + timedelta(days=d, hours=-9), base + timedelta(days=d, hours=15))
            for d in leave_days
        )
        candidates.append(Candidate(person, frozenset({role}), clinics, busy, 0, 1, 6))
    return seats, candidates
