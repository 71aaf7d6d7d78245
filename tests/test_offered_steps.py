"""A page never offers a step its reader cannot take.

Every page of the access table is opened as every role that may see it (their own
community's objects), and every link on it into the application is followed as the same
person: none answers 403 (a button to a refused page), 404 (a dead link) or a server error.
Each POST form on the page is submitted as it stands (its hidden fields and preset values),
in a transaction that is rolled back: it may be refused for missing input or the object's
state (the policy's 400 or 409, tested elsewhere), never as not permitted (403).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.urls import reverse

from tests.conftest import client_for
from tests.test_access_matrix import PUBLIC, ROLES, TABLE, _kwargs, world  # noqa: F401

#: Links that leave the page's person (sign-out) or serve files the browser downloads.
NOT_FOLLOWED = ("/logout/", "/i18n/", "/static/", "/media/", "/admin/")


class Offers(HTMLParser):
    """The page's links (``href``) and POST form actions into the application."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.links: set[str] = set()
        self.forms: dict[str, dict[str, str]] = {}
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.add(a["href"].split("#")[0])
        elif tag == "form" and a.get("method", "").lower() == "post":
            action = a.get("action", "") or self.page
            self.current = self.forms.setdefault(action, {}) if action.startswith("/") else None
        elif tag == "input" and self.current is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "hidden" or (kind in ("checkbox", "radio") and "checked" in a):
                self.current[a["name"]] = a.get("value", "on")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


class Rollback(Exception):
    """Undo a probing submission."""


def _post_status(client: Any, action: str, data: dict[str, str]) -> int:
    try:
        with transaction.atomic():
            status = client.post(action, data).status_code
            raise Rollback
    except Rollback:
        return status


def test_no_page_offers_a_step_its_reader_cannot_take(world: dict[str, Any]) -> None:  # noqa: F811
    refused: list[str] = []
    followed = posted = 0
    for role in ROLES:
        client = client_for(role)
        seen: set[Any] = set()
        pages = []
        for name, rule in sorted(TABLE.items()):
            if rule.method != "GET" or role not in rule.own or name in PUBLIC:
                continue
            url = reverse(name, kwargs=_kwargs(rule, name, world["own"], role))
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                pages.append((url, response.content.decode()))
        for url, html in pages:
            offers = Offers(url)
            offers.feed(html)
            for action, data in sorted(offers.forms.items()):
                if (role, action) in seen or action.startswith(NOT_FOLLOWED):
                    continue
                seen.add((role, action))
                posted += 1
                status = _post_status(client, action, data)
                if status in (403, 404) or status >= 500:
                    refused.append(f"{role} on {url}: form to {action} answers {status}")
            for link in sorted(offers.links - seen):
                seen.add(link)
                if link.startswith(NOT_FOLLOWED):
                    continue
                followed += 1
                status = client.get(link).status_code
                if status in (403, 404) or status >= 500:
                    refused.append(f"{role} on {url}: link {link} answers {status}")
    assert followed > 300 and posted > 50, (followed, posted)
    assert not refused, "\n".join(refused)
