"""Statistics at district scale (``BENCH_CASES`` cases, default 1,000,000, in PostgreSQL):

- a street's official report for a year (``figures.compute``: every column for the year,
  the year before for 环比 and 同比, per community, committee, committee and type, type and
  source, and the page's figures) ≤ 1.5× hand-written SQL counting the same
  (``bench/statistics.sql``), run in the same session (interleaved rounds, median), after a
  check that both give the same figures;
- the streamed case-level CSV of the whole district ≤ 3× a ``COPY … TO STDOUT`` of the same
  columns, and resident memory growing by ≤ 50 MiB whether 100,000 or all rows are exported.
"""

from __future__ import annotations

import statistics as stats
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from bench import result
from bench.documents import _rss_mib
from cases.models import Case
from cases.statistics import exports, figures
from clinic.models import Community, Street

ROUNDS = 7
NO_JIT_ROUNDS = 5


def _statements(text: str) -> list[str]:
    """The statements of an SQL file: comment lines dropped, split at semicolons."""
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))
    return [sql.strip() for sql in code.split(";") if sql.strip()]


HAND_SQL = _statements(Path(__file__).with_name("statistics.sql").read_text())


def _parameters(ids: list[int], period: figures.Period) -> tuple[dict[str, Any], list[Any]]:
    """What the hand SQL is given: the scope, the distinct periods counted (the period, the one
    before and the year before, as ``compute`` counts them) and the trend's months."""
    periods = list(
        dict.fromkeys([period, figures.previous_period(period), figures.year_before(period)])
    )
    now, today = timezone.now(), timezone.localdate()
    months = figures.last_months(period)
    parameters = {
        "c": ids,
        "start": [p.start for p in periods],
        "end": [p.end for p in periods],
        "first": [p.first for p in periods],
        "last": [p.last for p in periods],
        "overdue_at": [min(p.end, now) for p in periods],
        "overdue_day": [min(p.last, today) for p in periods],
        "from": min(p.start for p in periods),
        "to": max(p.end for p in periods),
        "from_day": min(p.first for p in periods),
        "to_day": max(p.last for p in periods),
        "s": period.start,
        "e": period.end,
        "d0": period.first,
        "d1": period.last,
        "ts": months[0].start,
        "te": months[-1].end,
        "m0": months[0].first,
        "m1": months[-1].last,
        "now": now,
    }
    return parameters, periods


def _hand(parameters: dict[str, Any]) -> list[tuple[list[str], list[tuple]]]:
    """Every statement of the hand SQL: its column names and rows."""
    found = []
    with connection.cursor() as cursor:
        for sql in HAND_SQL:
            cursor.execute(sql, parameters)
            found.append(([c.name for c in cursor.description], cursor.fetchall()))
    return found


#: GROUPING(community_id, committee_id, dispute_type, source) of each roll-up of statement 1.
BY_COMMUNITY, BY_UNIT, BY_UNIT_TYPE, BY_TYPE, BY_SOURCE, TOTAL = 7, 11, 9, 13, 14, 15
ROW_FIELDS = {f.name for f in fields(figures.Row)}


def _days(value: Any) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def check(report: figures.Report, periods: list[Any], hand: list[tuple[list[str], list]]) -> None:
    """The hand SQL counts what ``compute`` counts: every official column of every roll-up
    (communities, units, units' types, types, sources and the total) in each period, the
    court's filings and residents, the modes, durations, trend, service, follow-ups and hours.
    Raises AssertionError naming each figure that differs."""
    wrong: list[str] = []

    def same(label: str, ours: Any, theirs: Any) -> None:
        if (ours or 0) != (theirs or 0):
            wrong.append(f"{label}: compute {ours!r}, hand SQL {theirs!r}")

    names = {row.name: row for row in report.rows}
    communities = dict(Community.objects.filter(name__in=names).values_list("pk", "name"))
    rows_by_id = {pk: names[name] for pk, name in communities.items()}
    units = {unit.committee_id: unit for unit in report.units}
    totals = [(1, report.total)]
    for other, row in (
        (figures.previous_period, report.previous),
        (figures.year_before, report.year_ago),
    ):
        if row is None:
            wrong.append(f"compute gave no {other.__name__}")
        else:
            totals.append((periods.index(other(report.period)) + 1, row))
    columns, rows = hand[0]
    counted = [c for c in columns if c in ROW_FIELDS]
    seen = 0
    for values in rows:
        got = dict(zip(columns, values, strict=True))
        n, grouping = got["n"], got["grouping"]
        if grouping == TOTAL:
            for m, row in totals:
                if m == n:
                    for column in counted:
                        same(f"period {n} total {column}", getattr(row, column), got[column])
            seen += 1
            continue
        elif n != 1 or grouping == BY_SOURCE:
            if grouping == BY_SOURCE and n == 1:
                ours = {code: count for code, _label, count in report.by_source}
                same(f"source {got['source']} accepted", ours.get(got["source"]), got["accepted"])
            continue
        elif grouping == BY_COMMUNITY:
            row, label = rows_by_id[got["community_id"]], f"community {got['community_id']}"
        elif grouping == BY_UNIT:
            row, label = units[got["committee_id"]].total, f"unit {got['committee_id']}"
        elif grouping == BY_UNIT_TYPE:
            unit = units[got["committee_id"]]
            row = next(r for r in unit.by_type if r.code == got["dispute_type"])
            label = f"unit {got['committee_id']} {got['dispute_type']}"
        else:
            row = next(r for r in report.by_type if r.code == got["dispute_type"])
            label = f"type {got['dispute_type']}"
        seen += 1
        for column in counted:
            same(f"{label} {column}", getattr(row, column), got[column])
    if seen < len(report.rows) + len(report.units) + 1:
        wrong.append(f"only {seen} roll-ups came from the hand SQL")
    for n, community, population, filings in hand[1][1]:
        if n == 1:
            same(f"community {community} population", rows_by_id[community].population, population)
            same(f"community {community} filings", rows_by_id[community].civil_filings, filings)
    for n, row in totals:
        filed = sum(f or 0 for m, _c, _p, f in hand[1][1] if m == n)
        same(f"period {n} civil filings", row.civil_filings, filed)
    same("units", [u.committee_id for u in report.units], [k[0] for k in hand[2][1]])
    modes: dict[int, dict[str, int]] = {}
    for community, state, count in hand[3][1]:
        modes.setdefault(community, {})[state] = count
    for pk, row in rows_by_id.items():
        same(f"community {pk} modes", row.modes, modes.get(pk, {}))
    for community, average, median in hand[4][1]:
        row = report.total if community is None else rows_by_id[community]
        same(f"{community} days", (row.avg_days, row.median_days), (_days(average), _days(median)))
    trend = {month.date(): values for month, *values in hand[5][1]}
    filings = dict(hand[6][1])
    for month, figure in zip(figures.last_months(report.period), report.trend, strict=True):
        concluded = sum(trend.get(month.first, [0]))
        same(f"trend {month.label} concluded", figure["concluded"], concluded)
        same(f"trend {month.label} filings", figure["civil_filings"], filings.get(month.first))
    page = {
        "sessions": hand[7][1],
        "follow_ups": hand[8][1],
        "visits": hand[9][1],
        "consultations": hand[10][1],
    }
    names_of = {
        "sessions": ("sessions", "seats", "seats_covered"),
        "follow_ups": ("follow_ups_due", "follow_ups_on_time", "follow_ups_done", "performed"),
        "visits": ("visits_requested", "visits_done"),
        "consultations": ("consultations",),
    }
    for part, found in page.items():
        by_community = {community: values for community, *values in found}
        for pk, row in rows_by_id.items():
            values = by_community.get(pk, [0] * len(names_of[part]))
            for name, value in zip(names_of[part], values, strict=True):
                same(f"community {pk} {name}", getattr(row, name), value)
    hours = {role: round(value.total_seconds() / 3600, 1) for role, value in hand[11][1]}
    same("hours", sorted(h for _role, h in report.hours_by_role), sorted(hours.values()))
    if wrong:
        raise AssertionError("the hand SQL and compute() differ:\n" + "\n".join(wrong[:40]))


#: The size the statistics limit is set for.
DISTRICT = 1_000_000


def run() -> list[dict[str, Any]]:
    street = Street.objects.earliest("code")
    communities = list(Community.objects.filter(street=street))
    ids = [c.pk for c in communities]
    period = figures.parse_period("2025")
    parameters, periods = _parameters(ids, period)
    # Not timed: both count the same figures (bench/statistics.sql's statement 1 is every
    # official column, rolled up), so the comparison is of like with like.
    check(figures.compute(communities, period, street.name), periods, _hand(parameters))

    def rounds(count: int) -> tuple[float, float]:
        ours, hand = [], []
        for _ in range(count):
            started = time.perf_counter()
            figures.compute(communities, period, street.name)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            _hand(parameters)
            hand.append(time.perf_counter() - started)
        return stats.median(ours), stats.median(hand)

    # Judged as the server runs them: PostgreSQL's JIT (on by default) compiles the statements
    # estimated over jit_above_cost on either side, and what that costs follows the planner's
    # estimates rather than the work (a formulation of the hand SQL estimated 20 times dearer
    # spent 5 s compiling a 1 s statement), so the figures without it, on both sides, are
    # reported beside.
    as_configured = rounds(ROUNDS)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        without_jit = rounds(NO_JIT_ROUNDS)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    # The statistics issue sets this limit for the district (1,000,000 cases); at 20,000 the
    # ORM's building of the queries and the roll-up in Python weigh as much as running them,
    # which the hand SQL never pays, so the small set reports the ratio without judging it.
    district = Case.objects.count() >= DISTRICT
    results = [
        result("statistics_street_year", *as_configured, 1.5, "s", applies=district),
        result(
            "statistics_street_year_without_jit",
            *without_jit,
            1.5,
            "s (jit = off on both sides, not judged)",
            applies=False,
        ),
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
