"""Queries per page at 1× and 10× data: the case list, a case, the statistics and the duty
board must issue the same number of queries whatever the size of the district.

Runs itself in two child processes (``bench.child``), each on its own database
(``clinic_bench_q1`` and ``clinic_bench_q10``) generated at ``BENCH_QUERIES_CASES`` and ten
times as many cases.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import district, result, run_child
from bench.people import bench_user, grant_views
from cases.models import Case
from clinic.models import Clinic, Community

PAGES = ["case list", "case detail", "statistics", "duty board"]


def child() -> dict[str, int]:
    """In a child process: generate this database's district, count each page's queries."""
    district.ensure(int(os.environ["BENCH_QUERIES_CASES"]), log=lambda *a: None)
    community = Community.objects.filter(cases__kind="dispute").earliest("pk")
    coordinator = bench_user("bench_q_coordinator", "coordinator", community=community)
    grant_views(coordinator, 10)
    street = bench_user("bench_q_street", "street_officer", street=community.street)
    case = Case.objects.filter(community=community, kind="dispute", state="closed").earliest("pk")
    clinic = Clinic.objects.filter(community=community).earliest("pk")
    pages = {
        "case list": (coordinator, reverse("cases:case_list") + "?kind=dispute&size=50"),
        "case detail": (coordinator, reverse("cases:case_detail", args=[case.pk])),
        "statistics": (
            street,
            reverse("cases:statistics_page") + f"?scope=street:{community.street_id}&period=2024",
        ),
        "duty board": (None, reverse("scheduling:duty_board", args=[clinic.slug])),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get(url)  # warm: caches, session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {response.status_code}")
        counts[name] = len(queries)
    return counts


def _child(database: str, cases: int) -> dict[str, int]:
    return run_child(
        "bench.queries",
        database,
        BENCH_QUERIES_CASES=str(cases),
        DJANGO_ALLOWED_HOSTS="testserver",  # Django's test client
    )


def run(cases: int) -> list[dict[str, Any]]:
    one, ten = _child("clinic_bench_q1", cases), _child("clinic_bench_q10", cases * 10)
    return [
        result(f"queries_{name.replace(' ', '_')}_10x", ten[name], one[name], 1.0, "queries")
        for name in PAGES
    ]
