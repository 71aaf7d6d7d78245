"""Every upload path (case files, home-visit photos) refuses oversized files, wrong types by
content and names with path tricks; what it stores is served only as PDF or image."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import Attachment, VisitPhoto, VisitRequest
from clinic.models import Grid
from tests.cases.factories import registered_dispute
from tests.conftest import client_for

SAFE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/heic"}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, format="PNG")
    return out.getvalue()


HTML = b"<!doctype html><script>alert(document.cookie)</script>"
TRICKS = ["../../../etc/passwd.png", "..\\..\\windows\\win.ini.png", "\u202egnp.exe", "a\x00b.png"]


def _attach(name: str, content: bytes) -> Any:
    case = registered_dispute()
    response = client_for("mediator").post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile(name, content), "description": ""},
    )
    return case, response


def _visit(files: list[tuple[str, bytes]]) -> Any:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    return client_for("gridworker").post(
        reverse("cases:request_visit"),
        {
            "grid": grid.pk,
            "resident_name": "王奶奶",
            "resident_phone": "13577778888",
            "address": "金江路社区 3 栋",
            "problem": "漏水",
            "dispute_type": "neighbour",
            "photos": [SimpleUploadedFile(n, c) for n, c in files],
        },
    )


# --- Oversized ------------------------------------------------------------------------------


def test_an_oversized_case_file_is_refused_and_nothing_is_stored(
    demo: None, _uploads_in_tmp: Path
) -> None:
    big = _png() + b"\0" * (20 * 1024 * 1024)
    _case, response = _attach("大.png", big)
    assert response.status_code == 400
    assert "文件超过 20 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in _uploads_in_tmp.rglob("*"))


def test_an_oversized_photo_is_refused_and_no_request_is_made(demo: None) -> None:
    response = _visit([("门口.png", _png() + b"\0" * (10 * 1024 * 1024))])
    assert response.status_code == 400
    assert "文件超过 10 MB" in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_a_body_beyond_the_request_limit_gets_413_before_it_is_read(
    demo: None, settings: Any
) -> None:
    case = registered_dispute()
    response = client_for("mediator").post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("a.png", _png())},
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert "未保存" in response.content.decode()
    assert not Attachment.objects.exists()


# --- Types by content ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["证据.png", "证据.pdf", "证据.html", "证据"])
def test_html_is_refused_whatever_its_name(demo: None, name: str) -> None:
    _case, response = _attach(name, HTML)
    assert response.status_code == 400
    assert "不接受此类文件" in response.content.decode()
    assert not Attachment.objects.exists()
    assert _visit([(name, HTML)]).status_code == 400
    assert not VisitRequest.objects.exists()


def test_a_picture_named_like_a_web_page_is_stored_and_served_as_a_picture(demo: None) -> None:
    case, response = _attach("页面.html", _png())
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.original_name == "页面.png"
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    download = client_for("mediator").get(
        reverse("cases:download_attachment", args=[attachment.pk])
    )
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRICKS)
def test_path_tricks_in_names_go_nowhere(demo: None, name: str, _uploads_in_tmp: Path) -> None:
    case, response = _attach(name, _png())
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    shown = attachment.original_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown
    assert all(ch.isprintable() for ch in shown) and "\u202e" not in shown
    assert shown.endswith(".png")
    stored = (_uploads_in_tmp / attachment.file.name).resolve()
    assert stored.is_relative_to(_uploads_in_tmp.resolve() / "cases" / str(case.pk))
    served = client_for("mediator").get(reverse("cases:download_attachment", args=[attachment.pk]))
    disposition = served["Content-Disposition"].split("filename", 1)[1]
    assert "/" not in disposition and "%2F" not in disposition and "%5C" not in disposition


@pytest.mark.parametrize("name", TRICKS)
def test_photos_with_path_tricks_are_stored_under_their_request(
    demo: None, name: str, _uploads_in_tmp: Path
) -> None:
    assert _visit([(name, _png())]).status_code == 302
    photo = VisitPhoto.objects.get()
    stored = (_uploads_in_tmp / photo.file.name).resolve()
    assert stored.is_relative_to(_uploads_in_tmp.resolve() / "visits" / str(photo.request_id))
    served = client_for("coordinator").get(reverse("cases:visit_photo", args=[photo.pk]))
    assert served["Content-Type"] in SAFE_TYPES
    assert served["X-Content-Type-Options"] == "nosniff"


def test_every_stored_file_is_served_as_pdf_or_image(demo: None) -> None:
    _attach("a.png", _png())
    _visit([("b.png", _png())])
    for attachment in Attachment.objects.all():
        response = client_for("mediator").get(
            reverse("cases:download_attachment", args=[attachment.pk])
        )
        assert response["Content-Type"] in SAFE_TYPES
    for photo in VisitPhoto.objects.all():
        response = client_for("coordinator").get(reverse("cases:visit_photo", args=[photo.pk]))
        assert response["Content-Type"] in SAFE_TYPES
