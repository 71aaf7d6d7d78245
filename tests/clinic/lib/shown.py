"""What a page showed, for the tests that send its form back as a person would: the hidden
fields a form carries (``clinic.lib.versions.RowVersionForm``'s ``seen_version`` and
``seen_values``, the case's ``version``)."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client

HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")


def hidden_fields(page: str, *names: str) -> dict[str, str]:
    """The hidden inputs of ``page`` (only ``names``, when given), by name; the CSRF token
    and the submission id are left out (the test client sends its own)."""
    found: dict[str, str] = {}
    for tag in HIDDEN.findall(page):
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name is None or name[1] == "csrfmiddlewaretoken":
            continue
        if names and name[1] not in names:
            continue
        found.setdefault(name[1], html.unescape(value[1]) if value else "")
    return found


def shown_version(client: Client, url: str) -> dict[str, Any]:
    """The version and snapshot the form at ``url`` carries, as the page shows it now."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.content.decode(), "seen_version", "seen_values")
