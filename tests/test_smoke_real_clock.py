"""The demo as a newcomer meets it, on today's real clock (nothing frozen): the full seed,
then every demo account signs in with the README's password, opens its home page and every
link on it. No page may answer with a server error, whatever the date."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clinic.management.commands.seed_demo import DEMO_PASSWORD, PEOPLE


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            parts = urlsplit(href)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
                self.found.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def _links(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    return list(dict.fromkeys(link for link in parser.found if not link.startswith("/static/")))


@pytest.mark.django_db
def test_every_demo_account_signs_in_and_opens_every_link_of_its_home_page() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    failed: dict[str, int] = {}
    opened = 0
    for username, *_details in PEOPLE:
        client = Client()
        home = client.post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert home.status_code == 200, username
        assert home.resolver_match.url_name == "home_role", username
        links = _links(home.content.decode())
        assert len(links) >= 5, (username, links)
        for link in links:
            status = client.get(link).status_code
            opened += 1
            if status >= 500:
                failed[f"{username} {link}"] = status
    assert not failed
    assert opened >= 10 * len(PEOPLE)
