"""Run the benchmarks and write ``bench/results.json``: ``python -m bench [name ...]``.

They run against their own PostgreSQL databases (``BENCH_DATABASE_URL``, by default
``clinic_bench`` on the local server; the query-count and booking benchmarks make their own
beside it). The district is generated once per size: ``BENCH_CASES`` cases (1,000,000 by
default; ``BENCH_SCALE=small`` makes it 20,000 and the booking store 10,000 shifts, the
whole set in a few minutes).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bench import setup_database

#: How the table shows ``passed``: None is a limit set for another scale (see its benchmark).
VERDICT = {True: "yes", False: "NO", None: "n/a"}


def main(names: list[str]) -> int:
    setup_database()
    # setup: the benchmarks import the models, which load only once Django is set up
    from bench import (  # noqa: PLC0415
        backup_bench,
        booking,
        broker,
        district,
        documents,
        queries,
        roster,
        statistics_bench,
        web,
        xlsx_bench,
    )

    small = os.environ.get("BENCH_SCALE") == "small"
    cases = int(os.environ.get("BENCH_CASES", 20_000 if small else 1_000_000))
    selected = {
        "roster": roster.run,
        "documents": documents.run,
        "statistics": statistics_bench.run,
        "xlsx": xlsx_bench.run,
        "web": lambda: web.run(5 if small else 10),
        "queries": lambda: queries.run(2_000 if small else 20_000),
        "booking": lambda: booking.run(small),
        "backup": backup_bench.run,
        "broker": broker.run,
    }
    if not names or {"statistics", "xlsx", "web"} & set(names):
        print(district.ensure(cases))
    results = []
    started = time.monotonic()
    for name, run in selected.items():
        if names and name not in names:
            continue
        print(f"{name} …", end=" ", flush=True)
        began = time.monotonic()
        results.extend(run())
        print(f"{time.monotonic() - began:.0f} s", flush=True)
    Path(__file__).with_name("results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    width = max(len(r["name"]) for r in results)
    name, value, baseline, ratio, limit = ("benchmark", "value", "baseline", "ratio", "limit")
    print(f"{name:<{width}}  {value:>10}  {baseline:>10}  {ratio:>7}  {limit:>7}  ok")
    for r in results:
        print(
            f"{r['name']:<{width}}  {r['value']:>10.3f}  {r['baseline']:>10.3f}  "
            f"{r['ratio']:>7.3f}  {r['limit']:>7.3f}  {VERDICT[r['passed']]}  {r['unit']}"
        )
    print(f"({time.monotonic() - started:.0f} s)")
    return 0 if all(r["passed"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
