"""The case-level Excel export of 50,000 rows ≤ 2× a bare openpyxl write-only loop over the
same rows (already in memory), interleaved rounds, median."""

from __future__ import annotations

import io
import statistics as stats
import time
from typing import Any

from openpyxl import Workbook

from bench import result
from cases.models import Case
from cases.statistics import exports

ROWS = 50_000
ROUNDS = 3


def run() -> list[dict[str, Any]]:
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:ROWS])
    cases = (
        Case.objects.filter(pk__in=ids) if len(ids) < ROWS else Case.objects.filter(pk__lte=ids[-1])
    )
    rows = list(exports.case_rows(cases))

    def bare() -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("cases")
        sheet.append(exports.CASE_COLUMNS)
        for row in rows:
            sheet.append(row)
        book.save(io.BytesIO())

    def ours() -> None:
        exports.cases_xlsx(cases, io.BytesIO())

    measured: dict[str, list[float]] = {"bare": [], "ours": []}
    for _ in range(ROUNDS):
        for name, work in (("bare", bare), ("ours", ours)):
            started = time.perf_counter()
            work()
            measured[name].append(time.perf_counter() - started)
    return [
        result(
            f"cases_xlsx_{len(rows)}_rows",
            stats.median(measured["ours"]),
            stats.median(measured["bare"]),
            2.0,
            "s",
        )
    ]
