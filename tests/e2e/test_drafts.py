"""What a grid worker types into a form in the street is kept in the phone's browser
(``static/js/drafts.js``) until it is sent: a lost connection loses nothing, and signing out
leaves nothing behind on a shared phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from cases.models import VisitRequest

pytestmark = pytest.mark.django_db(transaction=True)

DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('clinic-draft:'))"
NEW = "/cases/visits/new/"


def _type_a_request(page: Any, name: str) -> None:
    page.select_option("[name=grid]", index=1)
    page.fill("[name=resident_name]", name)
    page.fill("[name=resident_phone]", "13577778888")
    page.fill("[name=address]", "金江路社区 3 栋")
    page.fill("[name=problem]", "儿子长期不给赡养费，老人行动不便")
    page.check("[name=elderly_alone]")
    page.select_option("[name=risk]", "orange")
    _wait_for_one_draft(page)


def _wait_for_one_draft(page: Any) -> None:
    """drafts.js saves a moment after the last keystroke (polled from here: the page's policy
    forbids the eval that Playwright's wait_for_function needs)."""
    for _ in range(50):
        if len(page.evaluate(DRAFTS)) == 1:
            return
        page.wait_for_timeout(100)
    raise AssertionError(page.evaluate(DRAFTS))


def _send_offline(worker: Any) -> None:
    """Press send with no connection: the browser shows its own error page."""
    worker.context.set_offline(True)
    try:
        worker.page.click("main form button[type=submit].primary", no_wait_after=True)
        worker.page.wait_for_url("chrome-error://**", timeout=5000)
    except PlaywrightError as error:  # the navigation's own failure, as expected
        assert "ERR_INTERNET_DISCONNECTED" in str(error)
    finally:
        worker.context.set_offline(False)
    # the failed request is what this journey is about, not a problem of the page
    worker.problems[:] = [p for p in worker.problems if "ERR_INTERNET_DISCONNECTED" not in p]


def test_a_visit_request_survives_a_lost_connection_and_is_gone_after_sending(
    journey: Any,
) -> None:
    worker = journey("gridworker", phone=True)
    page = worker.page
    worker.go(NEW)
    assert page.locator("[data-draft-notice]").is_hidden()
    _type_a_request(page, "王奶奶")
    _send_offline(worker)
    assert not VisitRequest.objects.exists()

    worker.go(NEW)  # connected again: the form comes back as it was typed
    notice = page.locator("[data-draft-notice]")
    assert notice.is_visible() and "未提交的草稿" in notice.inner_text()
    assert page.input_value("[name=resident_name]") == "王奶奶"
    assert page.input_value("[name=problem]") == "儿子长期不给赡养费，老人行动不便"
    assert page.is_checked("[name=elderly_alone]")
    assert page.input_value("[name=risk]") == "orange"
    worker.shot("draft-restored")

    worker.submit()
    assert page.url.endswith("/cases/visits/mine/")
    assert VisitRequest.objects.get().resident_name == "王奶奶"
    assert page.evaluate(DRAFTS) == []  # the server took it: the draft is forgotten
    worker.go(NEW)
    assert page.locator("[data-draft-notice]").is_hidden()
    assert page.input_value("[name=resident_name]") == ""


def test_a_draft_can_be_discarded_and_signing_out_leaves_none(journey: Any) -> None:
    worker = journey("gridworker", phone=True)
    page = worker.page
    worker.go(NEW)
    _type_a_request(page, "李大爷")
    worker.go(NEW)
    page.click("[data-draft-discard]")
    assert page.locator("[data-draft-notice]").is_hidden()
    assert page.input_value("[name=resident_name]") == ""
    assert page.evaluate(DRAFTS) == []

    _type_a_request(page, "张阿姨")
    _send_offline(worker)
    worker.go(NEW)
    assert page.input_value("[name=resident_name]") == "张阿姨"

    with page.expect_navigation():
        page.click("form[data-draft-clear] button")
    assert "/login/" in page.url
    assert page.evaluate(DRAFTS) == []  # nothing of the resident is left on the phone
    worker.sign_in()
    worker.go(NEW)
    assert page.locator("[data-draft-notice]").is_hidden()
    assert page.input_value("[name=resident_name]") == ""
