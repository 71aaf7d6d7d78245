"""Soak: people working at once against gunicorn and PostgreSQL for a few minutes, then the
invariants of the records are checked.

    python -m bench.soak [--seconds 180] [--users 16]     (or: make soak)

It creates (and afterwards leaves, for inspection) a database of its own, ``clinic_soak`` on
the PostgreSQL of ``SOAK_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432``),
loads the demo district, starts gunicorn on a free loopback port and runs ``--users``
simulated people (mediators registering, accepting, editing and ending cases; professionals
booking and cancelling shifts; grid workers asking for home visits; coordinators scheduling
them; street officers reading and exporting statistics) until ``--seconds`` have passed.
Everything stays on 127.0.0.1 and the run stops by itself.

It fails (exit status 1) if any request got a 5xx, or if afterwards:
- a person holds two overlapping active commitments (shifts, visits, appointments);
- case numbers or visit references of a committee and year are not 1..n without gaps, or
  disagree with the committee's sequence;
- a case's transition events do not form one unbroken chain ending in its current state;
- a seat has two active bookings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
from typing import Any

import django
import psycopg
from django.core.management import call_command

SOAK_DB = "clinic_soak"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _database_url() -> str:
    base = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in LOOPBACK:
        sys.exit(f"soak runs against a loopback database only, not {parts.hostname}")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SOAK_DB}"))


def _fresh_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SOAK_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SOAK_DB}")


# --- Run ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--users", type=int, help="how many people (default: one per kind)")
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()

    url = _database_url()
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process: the soak is about the web
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    django.setup()
    # setup: these import the models, which load only once Django is set up
    from bench.soak_people import CAST, Log, check_invariants  # noqa: PLC0415
    from tests.server import Gunicorn  # noqa: PLC0415

    print(f"preparing {SOAK_DB} …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    log = Log()
    with Gunicorn(url, workers=options.workers, threads=2) as server:
        deadline = time.monotonic() + options.seconds
        cast = [CAST[i % len(CAST)] for i in range(options.users or len(CAST))]
        people = [kind(server.url, username, deadline, log) for kind, username in cast]
        started = time.monotonic()
        print(f"{len(people)} people for {options.seconds} s on {server.url} …", flush=True)
        for person in people:
            person.start()
        for person in people:
            person.join(options.seconds + 120)
        elapsed = time.monotonic() - started

    total = sum(log.statuses.values())
    print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s)\n")
    print(f"{'what':<20}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    figures: dict[str, Any] = {"requests": total, "seconds": round(elapsed), "kinds": {}}
    for kind in sorted(log.times):
        times = sorted(log.times[kind])
        p50 = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
        codes = {s: n for (k, s), n in sorted(log.statuses.items()) if k == kind}
        figures["kinds"][kind] = {
            "n": len(times),
            "p50_ms": round(p50),
            "p95_ms": round(p95),
            "statuses": codes,
        }
        print(f"{kind:<20}{len(times):>7}{p50:>9.0f}{p95:>9.0f}  {codes}")
    broken = check_invariants()
    figures["server_errors"] = len(log.failures)
    figures["broken_invariants"] = broken
    print(f"\nserver errors: {len(log.failures)}")
    for failure in log.failures[:20]:
        print("  ", failure)
    print(f"broken invariants: {len(broken)}")
    for line in broken[:20]:
        print("  ", line)
    print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
    for kind, body in log.samples.items():
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', body, re.S)
        print(f"400 on {kind}: {[e.strip() for e in errors if e.strip()][:3]}", file=sys.stderr)
    return 1 if log.failures or broken else 0


if __name__ == "__main__":
    sys.exit(main())
