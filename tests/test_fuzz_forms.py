"""Every form of the project driven with generated hostile input (hypothesis): long strings,
control characters, mixed scripts, markup, spreadsheet formula prefixes, dates far away,
numbers out of range, choices that do not exist.

For each page of the access table that shows a form posting back to itself, as a role
allowed to use it: no answer is a server error, an answer that is not a redirect (the form
came back with errors) wrote nothing to the database, and no answer echoes markup
unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.submissions import FIELD
from tests.conftest import client_for
from tests.test_access_matrix import TABLE, _kwargs, world  # noqa: F401  (world: fixture)

#: Tables an answer with errors may still write: the session (renewed on every request),
#: the sign-in throttle, the audit log (a refused object is recorded), and the form's
#: submission id (claimed while the form is answered, let go when it is refused).
MAY_WRITE = ("django_session", "axes_", "clinic_auditentry", "clinic_submission")
NOT_FORMS = {"logout", "set_language"}
SKIPPED_ACTIONS = {"/logout/", "/i18n/setlang/"}
PREFERRED_ROLES = [
    "mediator",
    "coordinator",
    "admin",
    "lawyer",
    "judge",
    "police",
    "prosecutor",
    "gridworker",
    "street",
]

MARKUP = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]
HOSTILE = [
    *MARKUP,
    '=HYPERLINK("http://example.org","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\x00",
    "a\x00b",
    "\u202e\u202dabc",
    "\t\r\n",
    "𠀀𪚥𰻞",
    "ﾃｽﾄ Ω≈ç√ مرحبا שלום",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "9" * 500,
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "9999-12-31T23:59",
    "25:61",
    " ",
    "",
]
CHARACTERS = st.characters(exclude_categories=["Cs"])
#: Hostile text; the long ones (1,000 to 6,000 characters) repeat a short random text, as
#: drawing thousands of characters one by one cost more than sending them.
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(CHARACTERS, max_size=300),
    st.builds(
        lambda text, length: (text * length)[:length],
        st.text(CHARACTERS, min_size=1, max_size=20),
        st.integers(1000, 6000),
    ),
)


@dataclass
class Field:
    name: str
    kind: str  # text, select, checkbox, hidden, textarea, date, number, time, file, ...
    options: list[str] = field(default_factory=list)
    value: str = ""


class FormParser(HTMLParser):
    """The page's forms that post (to the page itself or elsewhere in the application)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, list[Field]]] = []
        self.current: list[Field] | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action", "")
            action = self.page if action in ("", "?") else action
            posts = a.get("method", "").lower() == "post" and action.startswith("/")
            if posts and action not in SKIPPED_ACTIONS:
                self.current = []
                self.forms.append((action, self.current))
            else:
                self.current = None
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind not in ("submit", "button", "image", "reset"):
                self.current.append(Field(a["name"], kind, value=a.get("value", "")))
        elif tag == "textarea":
            self.current.append(Field(a["name"], "textarea"))
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.current.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def _strategy(f: Field) -> st.SearchStrategy[Any]:
    if f.name == "csrfmiddlewaretoken":
        return st.just(f.value)
    if f.name == FIELD:  # a new sending each time, else the first success answers them all
        return st.one_of(st.uuids().map(str), TEXT)
    if f.kind == "hidden":
        return st.one_of(st.just(f.value), TEXT)
    if f.kind == "checkbox":
        return st.sampled_from(["on", None, "<script>"])
    if f.kind == "select":
        return st.one_of(st.sampled_from(f.options or [""]), TEXT)
    if f.kind == "number":
        return st.one_of(st.integers(-(10**12), 10**12).map(str), TEXT)
    return TEXT


def _writes(queries: list[dict[str, str]]) -> list[str]:
    found = []
    for q in queries:
        sql = q["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")):
            table = re.search(r'(?:INTO|UPDATE|FROM)\s+"?([A-Za-z0-9_]+)', q["sql"], re.I)
            name = table.group(1) if table else sql[:40]
            if not name.startswith(MAY_WRITE):
                found.append(name)
    return found


def _form_pages(objects: dict[str, Any]) -> list[tuple[str, str, str, list[Field]]]:
    """(page, role, action, fields) of every distinct form the pages of the table show."""
    forms: dict[str, tuple[str, str, str, list[Field]]] = {}
    for name, rule in sorted(TABLE.items()):
        if name in NOT_FORMS:
            continue
        for role in [r for r in PREFERRED_ROLES if r in rule.own]:
            url = reverse(name, kwargs=_kwargs(rule, name, objects["own"], role))
            client = client_for(role) if name != "login" else _anonymous()
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(url)
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                typed = [f for f in fields if f.kind != "file"]
                if any(f.name not in ("csrfmiddlewaretoken", FIELD) for f in typed):
                    forms.setdefault(action.split("?")[0], (name, role, action, typed))
    return list(forms.values())


def _anonymous() -> Any:
    return Client()


def test_every_form_survives_hostile_input(world: dict[str, Any]) -> None:  # noqa: F811
    pages = _form_pages(world)
    # The forms of the table's pages: cases, parties, records, agreements, visits, the roster,
    # people, holidays, sign-in and passwords (47 today): if this drops, forms went missing.
    assert len(pages) >= 47, [p[2] for p in pages]
    for name, role, action, fields in pages:
        client = client_for(role) if name != "login" else _anonymous()
        _fuzz(f"{name} → {action}", action, client, fields)()


def _fuzz(name: str, url: str, client: Any, fields: list[Field]) -> Any:
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def post(data: st.DataObject) -> None:
        payload = {}
        for f in fields:
            value = data.draw(_strategy(f), label=f.name)
            if value is not None:
                payload[f.name] = value
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, payload)
        assert response.status_code < 500, (name, payload)
        if response.status_code not in (301, 302, 303):
            writes = _writes(queries.captured_queries)
            assert not writes, (name, response.status_code, writes, payload)
        body = "" if response.streaming else response.content.decode(errors="replace")
        for mark in ("<script>alert", "<svg onload", "<img src=x onerror"):
            assert mark not in body, (name, mark)

    return post
