"""A grid worker records a 排查 sweep on a phone (375 px) with two disputes found, one settled
on the spot (预防), timed as a person types it (a second a tap, 1.2 seconds a Chinese
character, plus the pages' own time): under two minutes. The official report's 排查 columns
then show it."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Sweep
from clinic.models import Community
from tests.e2e.test_walk_in_advice import Hands

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_grid_worker_records_a_sweep_with_two_disputes_in_under_two_minutes(
    journey: Any,
) -> None:
    worker = journey("gridworker", phone=True)
    page = worker.page
    assert page.viewport_size["width"] == 375
    worker.go("/")
    hands = Hands(page)
    started = time.monotonic()

    with page.expect_navigation():
        hands.tap("main a[href='/cases/sweeps/new/']")
    # today, the worker's own grid and a scheduled sweep are chosen already
    assert page.input_value("[name=day]") == timezone.localdate().isoformat()
    assert page.is_checked("[name=kind][value=scheduled]")
    hands.type("[name=scope]", "3至8栋")
    hands.type("[name=households]", "42")
    worker.shot("sweep-form")
    with page.expect_navigation():
        hands.tap("main form[method=post] button.primary")

    sweep = Sweep.objects.get()
    assert page.url.endswith(sweep.get_absolute_url())
    hands.type("[name=description]", "楼道堆物争吵")
    with page.expect_navigation():
        hands.tap("main form[method=post] button.primary")
    hands.type("[name=description]", "楼上漏水")
    assert page.input_value("[name=persons]") == "2"  # the default, changed to 3:
    hands.tap("[name=persons]")
    page.keyboard.press("End")
    page.keyboard.press("Backspace")  # one tap on the keypad's delete key
    hands.taps += 1
    page.keyboard.type("3")
    hands.characters += 1
    hands.tap("[name=prevented]")
    hands.type("[name=prevention_note]", "当场调解")
    with page.expect_navigation():
        hands.tap("main form[method=post] button.primary")
    waited = time.monotonic() - started
    worker.shot("sweep-with-two-disputes")

    paced = hands.seconds + waited
    assert paced < 120, f"{hands.taps} taps, {hands.characters} characters, {waited:.1f} s waiting"
    print(
        f"\nsweep journey: {hands.taps} taps, {hands.characters} characters, "
        f"{waited:.1f} s of pages: {paced:.1f} s paced"
    )
    found = list(sweep.findings.values_list("description", "persons", "prevented"))
    assert found == [("楼道堆物争吵", 2, False), ("楼上漏水", 3, True)]
    text = page.content()
    assert "楼上漏水" in text and "当场调解" in text and "已预防" in text

    # the official report of the community's month: 排查次数 1, 排查发现纠纷 2, 预防纠纷 1
    coordinator = journey("coordinator")
    community = Community.objects.get(name="金江路社区")
    month = timezone.localdate().strftime("%Y-%m")
    response = coordinator.get(
        f"/cases/statistics/export.csv?scope=community:{community.pk}&period={month}"
    )
    assert response.status == 200
    _title, header, *rows = csv.reader(io.StringIO(response.text().lstrip("\ufeff")))
    row = dict(zip(header, next(r for r in rows if r[0] == "金江路社区"), strict=True))
    assert (row["排查次数"], row["排查发现纠纷"], row["预防纠纷"]) == ("1", "2", "1")
