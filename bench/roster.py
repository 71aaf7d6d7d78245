"""The street-month roster suggestion (10 clinics, 8 sessions each, 4 seats, 60 professionals):
solved to proven optimality or within 5 % of the solver's bound, within 10 seconds on 2 cores.

The baseline is the 10-second budget itself: the ratio is solve time ÷ 10 s (limit 1), and a
second line records the optimality gap (limit 0.05)."""

from __future__ import annotations

import statistics
from typing import Any

from bench import result
from bench.generate import street
from scheduling.solver import suggest

BUDGET = 10.0


def run() -> list[dict[str, Any]]:
    times, gaps = [], []
    for seed in range(5):
        seats, candidates = street(seed)
        solution = suggest(seats, candidates, seconds=BUDGET, workers=2)
        times.append(solution.seconds)
        gaps.append(0.0 if solution.status == "optimal" else solution.gap)
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
        result("roster_street_month_gap", worst_gap, 1.0, 0.05, "fraction of bound"),
    ]
