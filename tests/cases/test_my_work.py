"""The home pages' work lists: read by ``cases.selectors.my_work`` and drawn by the case list's
own row renderer, so a case looks the same on the home page as in the list."""

from __future__ import annotations

import re

from django.urls import reverse

from cases.choices import State
from tests.cases.factories import in_state
from tests.conftest import client_for


def test_a_case_on_the_mediators_home_is_the_same_row_as_in_the_case_list(demo: None) -> None:
    case = in_state(State.REGISTERED, risk="red")
    client = client_for("mediator")
    home = client.get(reverse("clinic:home"), follow=True).content.decode()
    listed = client.get(reverse("cases:case_list")).content.decode()
    label = "尚未编号"
    assert label in home and "赵建国 · 钱丽" in home
    row = re.findall(r'<li class="case-item edge-red">.*?</li>', home, re.S)
    assert row and row[0] in listed
    assert f'href="{case.get_absolute_url()}"' in row[0]
