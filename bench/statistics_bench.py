"""Statistics at district scale (``BENCH_CASES`` cases, default 1,000,000, in PostgreSQL):

- a street's statistics for a year ≤ 1.5× the equivalent hand-written SQL, run in the same
  session (interleaved rounds, median);
- the streamed case-level CSV of the whole district ≤ 3× a ``COPY … TO STDOUT`` of the same
  columns, and resident memory growing by ≤ 50 MiB whether 100,000 or all rows are exported.
"""

from __future__ import annotations

import statistics as stats
import time
from pathlib import Path
from typing import Any

from django.db import connection

from bench import result
from bench.documents import _rss_mib
from cases.models import Case
from cases.statistics import exports, figures
from clinic.models import Community, Street

ROUNDS = 5


def _statements(text: str) -> list[str]:
    statements = []
    for chunk in text.split(";"):
        sql = "\n".join(line for line in chunk.splitlines() if not line.strip().startswith("--"))
        if sql.strip():
            statements.append(sql.strip())
    return statements


HAND_SQL = _statements(Path(__file__).with_name("statistics.sql").read_text())


def _hand(communities: list[int], start: Any, end: Any) -> None:
    with connection.cursor() as cursor:
        for sql in HAND_SQL:
            cursor.execute(sql, {"c": communities, "s": start, "e": end})
            cursor.fetchall()


#: The size the statistics limit is set for.
DISTRICT = 1_000_000


def run() -> list[dict[str, Any]]:
    street = Street.objects.earliest("code")
    communities = list(Community.objects.filter(street=street))
    ids = [c.pk for c in communities]
    period = figures.parse_period("2025")
    ours, hand = [], []
    figures.compute(communities, period, street.name)  # warm
    _hand(ids, period.start, period.end)
    for _ in range(ROUNDS):
        started = time.perf_counter()
        figures.compute(communities, period, street.name)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        _hand(ids, period.start, period.end)
        hand.append(time.perf_counter() - started)
    # The statistics issue sets this limit for the district (1,000,000 cases); at 20,000 the
    # ORM's building of the ten queries takes as long as running them, which the hand SQL
    # never pays, so the small set reports the ratio without judging it.
    district = Case.objects.count() >= DISTRICT
    results = [
        result(
            "statistics_street_year",
            stats.median(ours),
            stats.median(hand),
            1.5,
            "s",
            applies=district,
        )
    ]

    everything = Case.objects.all()
    sql, params = exports.case_export_queryset(everything).query.sql_with_params()
    ours, copy = [], []
    for _ in range(3):
        started = time.perf_counter()
        for _chunk in exports.cases_csv(everything):
            pass
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            plain = (
                "COPY (SELECT c.number, c.kind, s.name, m.name, c.dispute_type, c.source, c.state,"
                " c.level, c.outcome, c.registered_at, c.accepted_at, c.settled_at, c.closed_at,"
                " c.amount_involved, c.amount_agreed, c.persons_involved, c.prevented_criminal,"
                " c.prevented_petition, c.risk, c.mediation_due FROM cases_case c"
                " JOIN clinic_street s ON s.id = c.street_id"
                " JOIN clinic_community m ON m.id = c.community_id ORDER BY c.id)"
                " TO STDOUT WITH (FORMAT csv)"
            )
            with cursor.cursor.copy(plain) as stream:
                for _chunk in stream:
                    pass
        copy.append(time.perf_counter() - started)
    results.append(result("cases_csv_district", stats.median(ours), stats.median(copy), 3.0, "s"))
    del sql, params

    growth = {}
    for label, limit in (("100k", 100_000), ("all", None)):
        subset = everything if limit is None else Case.objects.filter(pk__lte=limit)
        before = _rss_mib()
        for _chunk in exports.cases_csv(subset):
            pass
        growth[label] = _rss_mib() - before
    worst = max(growth.values())
    unit = f"MiB (100k: {growth['100k']:.1f}, all: {growth['all']:.1f})"
    results.append(result("cases_csv_memory_growth", worst, 50.0, 1.0, unit))  # ÷ 50 MiB
    return results
