"""Every form that posts carries a submission id (``clinic.templatetags.form_tokens``), so a
form sent twice makes one record (``clinic.submissions``): checked on every page of the
access table, as every role that may open it, and on the sign-in page."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from clinic.submissions import FIELD
from tests.conftest import client_for
from tests.test_access_matrix import ROLES, TABLE, _kwargs, world  # noqa: F401  (fixture)
from tests.test_fuzz_forms import FormParser


def test_every_form_of_every_page_carries_a_fresh_submission_id(
    world: dict[str, Any],  # noqa: F811
) -> None:
    missing, seen, ids = [], 0, []
    for role in ROLES:
        client = client_for(role)
        for name, rule in sorted(TABLE.items()):
            if rule.method != "GET" or role not in rule.own:
                continue
            url = reverse(name, kwargs=_kwargs(rule, name, world["own"], role))
            response = (Client() if name == "login" else client).get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(url)
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                seen += 1
                found = [f.value for f in fields if f.name == FIELD]
                if len(found) != 1:
                    missing.append(f"{name} as {role}: the form posting to {action}")
                else:
                    ids.append(uuid.UUID(found[0]))
    # the table's pages show the nine roles 229 forms today; if this drops a lot,
    # the walk stopped finding them
    assert seen >= 200, seen
    assert not missing, "\n".join(missing)
    assert len(set(ids)) == len(ids), "every form drawn gets an id of its own"
