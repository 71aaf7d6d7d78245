"""Everyone can use it: every page of the access table, as every role that may open it, on a
phone (375 px) and a desktop (1280 px), passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules
(``target-size`` on: touch targets of at least 24 px) and never shows risk by colour alone, and
its served HTML passes the Nu HTML Checker.

axe is injected with ``add_init_script`` (the site's Content Security Policy allows no script
it did not serve, and is not loosened for tests); the Nu HTML Checker runs once, in one JVM,
over the served HTML of one page per URL pattern. Both tools are pinned in package-lock.json
(``make deps`` installs them with ``npm ci``). What each page showed goes to
``test-artifacts/a11y/`` (the axe report, the saved HTML, the checker's messages).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from cases.choices import Risk
from cases.models import Case, Party, VisitRequest
from tests.conftest import IN_CI
from tests.e2e.conftest import ARTIFACTS, Person
from tests.test_access_matrix import PUBLIC, ROLES, TABLE, _kwargs, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REPORTS = ARTIFACTS.parent / "a11y"
VIEWPORTS = {"phone": True, "desktop": False}
ANONYMOUS = "anonymous"
#: Tabs checking at once: axe runs in one while the next loads (two cores; more gains little).
AT_ONCE = 4
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
#: What a page of the table may answer instead of HTML (downloads, feeds, the health check).
NOT_PAGES = ("application/", "text/calendar", "text/csv", "image/", "text/plain")
#: The risk each of the world's cases is given, so that every colour is on the pages.
RISKS = {
    "case": Risk.ORANGE,
    "signed": Risk.RED,
    "follow_up": Risk.YELLOW,
    "consultation": Risk.BLUE,
}
#: Risk shown by colour alone: a coloured badge without words, or an item with a coloured edge
#: (``edge-red`` …) that does not say its risk in a badge.
COLOUR_ONLY = """() => [...document.querySelectorAll('.risk, [class*="edge-"]')]
    .filter(el => el.classList.contains('risk') ? !el.textContent.trim()
                                                : !el.querySelector('.risk'))
    .map(el => ({target: [el.className], html: el.outerHTML.slice(0, 200)}))"""


def _tool(path: Path, what: str) -> Path:
    """A tool the checks need: missing, the test fails in CI and is skipped elsewhere."""
    if not path.exists():
        message = f"{path.relative_to(ROOT)} is missing ({what}; `make deps` installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        message = "java is missing (Debian package default-jre-headless; `make deps` installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return java


def _views(objects: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Per role (or ``ANONYMOUS``), the (URL name, path) of every page it may open: the
    table's GET patterns, each with the objects of the role's own community; public pages as
    somebody not signed in; and the two pages that refuse (403, 404)."""
    views: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, rule in sorted(TABLE.items()):
        if rule.method != "GET":
            continue
        roles = [ANONYMOUS] if name in PUBLIC else [r for r in ROLES if r in rule.own]
        for role in roles:
            url = reverse(name, kwargs=_kwargs(rule, name, objects, role))
            views[role].append((name, url))
    # The pages that refuse: a page that does not exist, one the role may not open.
    views["mediator"].append(("404", "/no-such-page/"))
    views["gridworker"].append(("403", reverse("cases:case_list")))
    return views


def _every_colour(objects: dict[str, Any]) -> None:
    """Risk in every colour and the special-group tags on the pages looked at (the table's
    world has none): set directly, as they only change what a page shows."""
    cases = [objects[k].case if k != "case" else objects[k] for k in RISKS]
    for case, risk in zip(cases, RISKS.values(), strict=True):
        Case.objects.filter(pk=case.pk).update(risk=risk)
    VisitRequest.objects.filter(pk=objects["visit"].pk).update(
        risk=Risk.ORANGE, elderly_alone=True, disabled=True
    )
    Party.objects.filter(case=objects["case"]).update(elderly_alone=True, disabled=True)


@dataclass
class Tour:
    """One person (a role at one screen size) going through their pages. axe runs in their
    tab while the next person's tab loads its page: up to ``AT_ONCE`` tabs check at once."""

    who: Person
    role: str
    viewport: str
    pages: list[tuple[str, str]]
    checking: str = ""  # the page axe is running on


@dataclass
class Findings:
    """What the tours found: axe's failing nodes, the served HTML of one page per URL pattern,
    how many pages were looked at, and what the browser logged."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    served: dict[str, Path] = field(default_factory=dict)  # one page per URL pattern
    page_views: int = 0
    problems: list[str] = field(default_factory=list)

    def collect(self, tour: Tour) -> None:
        """What axe found on the page the tour is checking, and anything the page logged."""
        result = tour.who.page.evaluate("() => window.__a11y")
        colour_only = tour.who.page.evaluate(COLOUR_ONLY)
        if colour_only:
            result["violations"].append({"id": "risk-by-colour-alone", "nodes": colour_only})
        for violation in result["violations"]:
            for node in violation["nodes"]:
                self.nodes.append(
                    {
                        "rule": violation["id"],
                        "page": tour.checking,
                        "role": tour.role,
                        "viewport": tour.viewport,
                        "target": node["target"],
                        "html": node["html"][:200],
                        "summary": node.get("failureSummary", ""),
                    }
                )
        self.problems += [f"{tour.checking} as {tour.role}: {p}" for p in tour.who.problems]
        tour.who.problems.clear()
        tour.checking = ""

    def visit(self, tour: Tour, name: str, url: str) -> None:
        """Open the page and start axe on it (when it is a page: downloads are skipped)."""
        try:
            response = tour.who.go(url)
        except PlaywrightError as error:  # a PDF, a spreadsheet, an attachment
            assert "Download is starting" in str(error), (name, tour.role, error)
            return
        assert response is not None, (name, tour.role)
        if response.headers.get("content-type", "").startswith(NOT_PAGES):
            tour.who.problems.clear()  # Chromium's own image viewer styles itself inline
            return
        if response.status >= 500:
            self.problems.append(f"{name} as {tour.role}: {response.status}")
            return
        if response.status >= 400:  # a refusal (or a form's 400): the browser logs it
            tour.who.problems.clear()
        self.page_views += 1
        if name not in self.served:
            self.served[name] = REPORTS / "html" / f"{name.replace(':', '-')}.html"
            self.served[name].write_bytes(response.body())
        tour.who.page.evaluate(
            "options => { window.__a11y = window.axe.run(document, options); }", AXE_OPTIONS
        )
        tour.checking = name


def _browse(browser: Any, base: str, axe: str, views: dict[str, list[tuple[str, str]]]) -> Findings:
    findings = Findings()
    waiting = [
        (role, viewport, phone, pages)
        for role, pages in views.items()
        for viewport, phone in VIEWPORTS.items()
    ]
    tours: list[Tour] = []
    while waiting or tours:
        while waiting and len(tours) < AT_ONCE:
            role, viewport, phone, pages = waiting.pop(0)
            who = Person(browser, base, REPORTS, role, phone=phone)
            who.context.add_init_script(script=axe)
            # Chromium asks for /favicon.ico when it shows an image or a download; the
            # pages name their icon.
            who.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
            if role != ANONYMOUS:
                who.sign_in()
            tours.append(Tour(who, role, viewport, list(pages)))
        for tour in list(tours):
            if tour.checking:
                findings.collect(tour)
            if tour.pages:
                findings.visit(tour, *tour.pages.pop(0))
            else:
                tour.who.close()
                tours.remove(tour)
    return findings


@pytest.fixture
def tools() -> tuple[str, Path, str]:
    """axe's source, vnu.jar and java, looked for before the world is built."""
    axe = _tool(AXE, "npm package axe-core").read_text()
    return axe, _tool(VNU, "npm package vnu-jar"), _java()


def test_every_page_passes_axe_and_the_html_checker(
    tools: tuple[str, Path, str],
    chromium: Any,
    live_server: Any,
    settings: Any,
    world: dict[str, Any],  # noqa: F811  (the fixture imported above)
) -> None:
    axe, vnu, java = tools
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    _every_colour(world["own"])
    shutil.rmtree(REPORTS, ignore_errors=True)
    (REPORTS / "html").mkdir(parents=True)
    started, cpu = time.monotonic(), time.process_time()
    found = _browse(chromium, live_server.url, axe, _views(world["own"]))
    browsed = time.monotonic() - started

    pages = list(found.served.values())
    nu = subprocess.run(  # our pinned vnu.jar on the pages saved above
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(nu.stderr or nu.stdout)["messages"]
    errors = [m for m in messages if m.get("type") != "info"]

    (REPORTS / "axe.json").write_text(json.dumps(found.nodes, ensure_ascii=False, indent=1))
    (REPORTS / "vnu.json").write_text(json.dumps(messages, ensure_ascii=False, indent=1))
    rules = Counter(node["rule"] for node in found.nodes)
    summary = (
        f"axe: {len(found.nodes)} failing nodes on {found.page_views} page views "
        f"{dict(rules)}; HTML checker: {len(errors)} errors on {len(pages)} pages; "
        f"browsing {browsed:.0f} s (this process: {time.process_time() - cpu:.0f} s of CPU), "
        f"checker {time.monotonic() - started - browsed:.0f} s"
    )
    print(summary)
    (REPORTS / "summary.txt").write_text(summary + "\n")
    # Every URL pattern that answers a GET with a page was looked at (69 today, and 403, 404).
    assert len(pages) >= 60, sorted(found.served)
    lines = [
        f"axe {n['rule']}: {n['page']} as {n['role']} on a {n['viewport']}: {n['target']} "
        f"{n['html']}"
        for n in found.nodes[:60]
    ]
    lines += [
        f"vnu: {Path(e.get('url', '')).name}:{e.get('lastLine')}: {e.get('message')}"
        for e in errors[:60]
    ]
    assert not (found.nodes or errors or found.problems), "\n".join(
        [summary, *found.problems, *lines]
    )
