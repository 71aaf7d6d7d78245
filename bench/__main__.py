"""Run the benchmarks and write ``bench/results.json``: ``python -m bench [name ...]``.

They run against their own PostgreSQL database (``BENCH_DATABASE_URL``, by default
``clinic_bench`` on the local server), generated once per size: ``BENCH_CASES`` cases
(1,000,000 by default; ``BENCH_SCALE=small`` makes it 20,000 for a quick check)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_bench"
)
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")


def _create_database() -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(BENCH_DATABASE_URL)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
    ).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def main(names: list[str]) -> int:
    _create_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from bench import district, documents, roster, statistics_bench

    small = os.environ.get("BENCH_SCALE") == "small"
    cases = int(os.environ.get("BENCH_CASES", 20_000 if small else 1_000_000))
    selected = {
        "roster": roster.run,
        "documents": documents.run,
        "statistics": statistics_bench.run,
    }
    if not names or "statistics" in names:
        print(district.ensure(cases))
    results = []
    for name, run in selected.items():
        if names and name not in names:
            continue
        results.extend(run())
    Path(__file__).with_name("results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    width = max(len(r["name"]) for r in results)
    name, value, baseline, ratio, limit = ("benchmark", "value", "baseline", "ratio", "limit")
    print(f"{name:<{width}}  {value:>10}  {baseline:>10}  {ratio:>7}  {limit:>7}  ok")
    for r in results:
        print(
            f"{r['name']:<{width}}  {r['value']:>10.3f}  {r['baseline']:>10.3f}  "
            f"{r['ratio']:>7.3f}  {r['limit']:>7.3f}  {'yes' if r['passed'] else 'NO'}  {r['unit']}"
        )
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
