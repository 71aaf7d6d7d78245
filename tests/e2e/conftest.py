"""Browser journeys: Playwright driving Debian's Chromium against the live test server.

Each person gets their own browser context (a phone for grid workers), signs in through the
sign-in page, and every console error, failed request or failing sub-resource fails the test.
Screenshots of the key pages go to ``test-artifacts/e2e/<journey>/`` (CI keeps that folder).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e")
)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "clinic-demo-2026"


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """One browser for the journeys, closed when they are done.

    Playwright's synchronous API keeps an event loop running in this thread while it is open;
    the journeys' own database calls are ordinary blocking ones, so Django's async guard is
    lifted for exactly that span and restored afterwards (it must not leak into the rest of
    the suite: ``check --deploy`` rightly refuses the variable)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (Debian package chromium; `make test` installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            yield browser
            browser.close()


class Person:
    """One person at their own device, signed in through the sign-in page."""

    def __init__(self, browser: Any, base: str, folder: Path, username: str, *, phone: bool):
        self.username = username
        self.base = base
        self.folder = folder
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            locale="zh-CN",
            accept_downloads=True,
            is_mobile=phone,
            has_touch=phone,
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _failed(self, request: Any) -> None:
        # A request the browser itself abandons because the page moved on is not a failure.
        if "ERR_ABORTED" not in str(request.failure):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _console(self, message: Any) -> None:
        # A page refused with 4xx (a clash, bad input) is the answer the person should see;
        # Chromium logs it as a console error too. A sub-resource's 4xx is caught in _response.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource: the server responded with a status of 4"
        ):
            self.problems.append(f"console error: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.url}")
        elif response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(
                f"{response.status} for a {response.request.resource_type}: {response.url}"
            )

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def sign_in(self) -> None:
        self.go("/login/")
        assert "登录" in self.page.title()
        self.page.fill("#id_username", self.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, f"{self.username} could not sign in"

    def submit(self, form: str = "main form[method=post]") -> None:
        """Press the primary button of the page's main form and wait for the next page."""
        buttons = self.page.locator(form).last.locator("button[type=submit]")
        primary = buttons.and_(self.page.locator(".primary"))
        with self.page.expect_navigation():
            (primary.first if primary.count() else buttons.last).click()

    def shot(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = (
            self.folder
            / f"{len(list(self.folder.glob('*.png'))) + 1:02d}-{self.username}-{name}.png"
        )
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def get(self, path: str) -> Any:
        """A download with this person's cookies (PDF, XLSX, calendar feed)."""
        return self.context.request.get(self.base + path)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def journey(
    request: pytest.FixtureRequest, chromium: Any, live_server: Any, settings: Any, tmp_path: Path
) -> Iterator[Any]:
    """People of the demo district at their devices, for one journey."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path / "uploads"
    call_command("seed_demo", "--base-only", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = ARTIFACTS / re.sub(r"^test_", "", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    people: list[Person] = []

    def person(username: str, *, phone: bool = False) -> Person:
        who = Person(chromium, live_server.url, folder, username, phone=phone)
        who.sign_in()
        people.append(who)
        return who

    yield person
    problems = [f"{p.username}: {problem}" for p in people for problem in p.problems]
    for p in people:
        p.close()
    assert not problems, "\n".join(problems)
