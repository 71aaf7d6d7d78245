"""The case list under load (``wrk``), against a bare signed-in page behind the same
middleware, both served by one gunicorn worker on one core while wrk runs on the other.

- ``case_list_p50`` / ``case_list_p95``: a coordinator's filtered case list, 50 rows a page,
  median and 95th-percentile latency ÷ the bare page's (limits 5 and 8);
- ``case_list_grants``: the same list for a coordinator who also holds 1,000 case grants ÷
  one who holds 10 (limit 1.5).
Interleaved rounds; the median of the rounds' figures.
"""

from __future__ import annotations

import os
import shutil
import statistics as stats
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import result
from bench.people import bench_user, grant_views, session_cookie
from clinic.models import Community
from tests.server import free_port

HERE = Path(__file__).resolve().parent
ROUNDS = 3


def _gunicorn(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("CELERY_BROKER_URL", None)
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", "1", "--threads", "1", "--log-level", "warning"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    process = subprocess.Popen(command, cwd=HERE.parent, env=env)  # noqa: S603  fixed command
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def _wrk(url: str, cookie: str, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t1", "-c2", f"-d{seconds}s", "-s", str(HERE / "percentiles.lua")]
    command += ["-H", f"Cookie: sessionid={cookie}", url]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "1", *command]
    # S603: a fixed command (wrk and our script), no shell
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in {"p50", "p95", "requests", "errors"}:
            figures[parts[0]] = float(parts[1])
    if figures.get("errors"):
        raise RuntimeError(f"wrk saw {figures['errors']:.0f} errors on {url}")
    return figures


def run(seconds: int = 10) -> list[dict[str, Any]]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (Debian package wrk; make bench installs it)")
    community = Community.objects.filter(cases__kind="dispute").order_by("pk").first()
    few = bench_user("bench_coordinator_10", "coordinator", community=community)
    many = bench_user("bench_coordinator_1000", "coordinator", community=community)
    grant_views(few, 10)
    grant_views(many, 1000)
    cookies = {"few": session_cookie(few), "many": session_cookie(many)}
    url = os.environ["DATABASE_URL"]
    port = free_port()
    server = _gunicorn(url, port)
    base = f"http://127.0.0.1:{port}"
    page = "/cases/?kind=dispute&size=50"
    figures: dict[str, list[dict[str, float]]] = {"bare": [], "few": [], "many": []}
    try:
        for path in (page, "/bench/bare/"):  # warm up
            _wrk(base + path, cookies["few"], 2)
        for _ in range(ROUNDS):
            figures["bare"].append(_wrk(base + "/bench/bare/", cookies["few"], seconds))
            figures["few"].append(_wrk(base + page, cookies["few"], seconds))
            figures["many"].append(_wrk(base + page, cookies["many"], seconds))
    finally:
        server.terminate()
        server.wait(30)

    def median(who: str, key: str) -> float:
        return stats.median(f[key] for f in figures[who]) / 1000  # ms

    bare50, bare95 = median("bare", "p50"), median("bare", "p95")
    few50, few95, many50 = median("few", "p50"), median("few", "p95"), median("many", "p50")
    return [
        result("case_list_p50", few50, bare50, 5.0, "ms"),
        result("case_list_p95", few95, bare95, 8.0, "ms"),
        result("case_list_grants_1000_vs_10", many50, few50, 1.5, "ms"),
    ]
