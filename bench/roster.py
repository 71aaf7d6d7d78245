"""The street-month roster suggestion (10 clinics, 8 sessions each, 4 seats, 60 professionals):
solved to proven optimality or within 5 % of the solver's bound, within 10 seconds on 2 cores.

The baseline is the 10-second budget itself: the ratio is solve time ÷ 10 s (limit 1), and a
second line records the optimality gap (limit 0.05)."""

from __future__ import annotations

import statistics
from typing import Any

from bench.generate import street
from scheduling.solver import suggest

BUDGET = 10.0


def run() -> list[dict[str, Any]]:
    times, gaps = [], []
    for seed in range(5):
        seats, candidates = street(seed)
        result = suggest(seats, candidates, seconds=BUDGET, workers=2)
        times.append(result.seconds)
        gaps.append(0.0 if result.status == "optimal" else result.gap)
    median = statistics.median(times)
    worst_gap = max(gaps)
    return [
        {
            "name": "roster_street_month_solve",
            "value": median,
            "baseline": BUDGET,
            "ratio": median / BUDGET,
            "limit": 1.0,
            "unit": "s",
            "passed": max(times) <= BUDGET + 0.5,
        },
        {
            "name": "roster_street_month_gap",
            "value": worst_gap,
            "baseline": 1.0,
            "ratio": worst_gap,
            "limit": 0.05,
            "unit": "fraction of bound",
            "passed": worst_gap <= 0.05,
        },
    ]
