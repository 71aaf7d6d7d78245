"""Asking for a home visit twice for one resident: a request like an open one of the last 24
hours in the same grid (the same phone, or the same name and building) comes back as
"可能重复", and the grid worker adds it to that one or says it is someone else."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.changes import StaleCase
from cases.choices import VisitNoteKind, VisitStatus
from cases.models import VisitNote, VisitRequest
from cases.visits.actions import do_cancel_visit, do_merge_visit_request, do_request_visit
from clinic.models import Grid, Notification
from tests.conftest import client_for, person


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _grid(name: str = "第一网格") -> Grid:
    return Grid.objects.get(community__name="金江路社区", name=name)


def _first(**overrides: Any) -> VisitRequest:
    fields: dict[str, Any] = {
        "grid": _grid(),
        "resident_name": "王奶奶",
        "resident_phone": "13577778888",
        "address": "金江路社区 3 栋",
        "room": "",
        "problem": "儿子长期不给赡养费",
        "risk": "yellow",
    }
    fields.update(overrides)
    return do_request_visit(actor=person("gridworker"), **fields)


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, format="PNG")
    return SimpleUploadedFile("门口.png", out.getvalue(), content_type="image/png")


def _client() -> Client:
    client = client_for("gridworker")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _send(client: Client | None = None, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "grid": _grid().pk,
        "resident_name": "王奶奶",
        "resident_phone": "135 7777 8888",
        "address": "金江路社区3栋",
        "room": "1 单元 201",
        "problem": "老人说儿子三个月没给生活费，想请人上门调解",
        "risk": "orange",
        "preferred_times": "周末",
        "disabled": "on",
    }
    data.update(overrides)
    return (client or _client()).post(reverse("cases:request_visit"), data)


def test_the_same_phone_in_the_same_grid_comes_back_as_possibly_a_duplicate(demo: None) -> None:
    first = _first()
    answer = _send(resident_name="王阿婆", address="金江路社区 5 栋")
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Possibly a duplicate" in page
    assert f'href="{first.get_absolute_url()}"' in page  # the grid worker's own: a link
    assert f'name="similar" value="{first.pk}"' in page and 'value="new"' in page
    assert VisitRequest.objects.count() == 1
    assert 'value="老人说儿子三个月没给生活费' not in page  # a textarea: typed text kept inside
    assert "老人说儿子三个月没给生活费，想请人上门调解</textarea>" in page


def test_the_same_name_and_building_with_another_phone_is_possibly_a_duplicate(
    demo: None,
) -> None:
    _first()
    answer = _send(resident_phone="13900001111", address="金江路社区　３ 栋")
    assert answer.status_code == 409 and VisitRequest.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    ["another grid", "a day ago", "cancelled", "another resident"],
)
def test_requests_that_are_not_alike_go_through(demo: None, change: str) -> None:
    if change == "another grid":
        _first(grid=_grid("第二网格"))
    elif change == "a day ago":
        with time_machine.travel(timezone.now() - timedelta(hours=25)):
            _first()
    elif change == "cancelled":
        do_cancel_visit(_first(), actor=person("gridworker"), reason="搬走了")
    else:
        _first(resident_name="李大爷", resident_phone="13600002222")
    assert _send().status_code == 302
    assert VisitRequest.objects.count() == 2
    assert not VisitNote.objects.exists()


def test_adding_it_to_the_first_makes_no_second_request(demo: None) -> None:
    first = _first()
    answer = _send(similar=str(first.pk), photos=[_photo()])

    assert answer.status_code == 302 and answer["Location"] == reverse("cases:my_visits")
    assert VisitRequest.objects.count() == 1
    first.refresh_from_db()
    # blanks filled in, needs kept, the more urgent urgency, the photo added
    assert first.room == "1 单元 201" and first.preferred_times == "周末"
    assert first.disabled and first.risk == "orange"
    assert first.photos.count() == 1
    # the first's own words stay; the second's are a note
    assert first.problem == "儿子长期不给赡养费"
    note = VisitNote.objects.get()
    assert note.request == first and note.kind == VisitNoteKind.MERGED
    assert note.author == person("gridworker")
    assert "老人说儿子三个月没给生活费" in note.text and "3 栋" not in note.text
    assert Notification.objects.filter(
        user__username="coordinator", key__startswith=f"visit:{first.pk}:merged:"
    ).exists()
    detail = client_for("coordinator").get(first.get_absolute_url()).content.decode()
    assert "老人说儿子三个月没给生活费" in detail


def test_a_phone_the_first_did_not_have_is_kept_and_another_one_noted_masked(
    demo: None,
) -> None:
    without = _first(resident_phone="")
    do_merge_visit_request(
        without,
        actor=person("gridworker"),
        resident_name="王奶奶",
        resident_phone="13900001111",
        address="金江路社区 3 栋",
        problem="儿子长期不给赡养费",
    )
    without.refresh_from_db()
    assert without.resident_phone == "13900001111"
    assert VisitNote.objects.get().text == ""  # nothing else was new

    do_merge_visit_request(
        without,
        actor=person("gridworker"),
        resident_name="王奶奶",
        resident_phone="13800003333",
        address="金江路社区 3 栋",
        problem="儿子长期不给赡养费",
    )
    without.refresh_from_db()
    assert without.resident_phone == "13900001111"
    assert VisitNote.objects.last().text.endswith("138****3333")  # type: ignore[union-attr]


def test_saying_it_is_someone_else_sends_it_and_notes_the_similar_one(demo: None) -> None:
    first = _first()
    answer = _send(similar="new")
    assert answer.status_code == 302
    second = VisitRequest.objects.exclude(pk=first.pk).get()
    note = VisitNote.objects.get()
    assert note.request == second and note.kind == VisitNoteKind.DISTINCT
    assert note.other == first
    detail = client_for("coordinator").get(second.get_absolute_url()).content.decode()
    assert first.reference in detail


@pytest.mark.parametrize("forged", ["999999", "abc", "-1"])
def test_an_answer_naming_no_similar_request_asks_again(demo: None, forged: str) -> None:
    first = _first()
    elsewhere = _first(grid=_grid("第二网格"))
    for value in (forged, str(elsewhere.pk)):
        assert _send(similar=value).status_code == 409
    assert VisitRequest.objects.count() == 2 and not VisitNote.objects.exists()
    first.refresh_from_db()
    assert first.room == ""


def test_a_request_visited_or_cancelled_meanwhile_is_not_added_to(demo: None) -> None:
    first = _first()
    do_cancel_visit(first, actor=person("coordinator"), reason="重复")
    with pytest.raises(StaleCase):
        do_merge_visit_request(first, actor=person("gridworker"), problem="x")
    assert VisitRequest.objects.get().status == VisitStatus.CANCELLED
    assert not VisitNote.objects.exists()
