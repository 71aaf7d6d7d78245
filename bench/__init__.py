"""Benchmarks (``make bench``), each a ratio against a baseline in the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import dj_database_url
import django
import psycopg
from django.core.management import call_command


def setup_database(*, fresh: bool = False) -> None:
    """Point Django at ``BENCH_DATABASE_URL`` (created, or recreated when ``fresh``), set it
    up and migrate it."""
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_bench")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    django.setup()
    call_command("migrate", verbosity=0)


def result(
    name: str, value: float, baseline: float, limit: float, unit: str, *, applies: bool = True
) -> dict[str, Any]:
    """One line of ``results.json``: a value against its baseline, passed when the ratio is
    within the limit; ``passed`` is None where the limit is set for another scale."""
    ratio = value / baseline if baseline else float("inf")
    return {
        "name": name,
        "value": round(value, 4),
        "baseline": round(baseline, 4),
        "ratio": round(ratio, 4),
        "limit": limit,
        "unit": unit,
        "passed": ratio <= limit if applies else None,
    }


def run_child(module: str, database: str, **env: str) -> Any:
    """``module.child()`` in a child process (``python -m bench.child module``) on its own
    database beside the benchmarks' one (``database`` on the same server), with ``env``
    added; returns what it returned, through JSON."""
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"
    out = subprocess.run(  # noqa: S603  our own interpreter and module, no shell
        [sys.executable, "-m", "bench.child", module],
        env={**os.environ, "BENCH_DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])
