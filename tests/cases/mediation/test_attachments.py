from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from cases.models import Attachment
from clinic.models import AuditEntry
from tests.cases.factories import registered_dispute
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x0110] = "Test phone"  # camera model, removed too
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (25.0, 3.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(client, case, name: str, content: bytes, kind: str = "evidence"):
    return client.post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content), "description": "现场照片"},
    )


def test_a_photo_is_stored_without_its_gps_block(demo: None) -> None:
    case = registered_dispute()
    response = _upload(client_for("mediator"), case, "IMG_0001.jpg", _jpeg_with_gps())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    with Image.open(attachment.file.path) as stored:
        exif = stored.getexif()
        assert 0x8825 not in exif
        assert 0x0110 not in exif


def test_a_signed_agreement_scan_as_pdf_is_accepted(demo: None) -> None:
    case = registered_dispute()
    response = _upload(client_for("mediator"), case, "协议.pdf", _pdf(), kind="signed_agreement")
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "协议.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.jpg", b"MZ\x90\x00 this is really an executable", "不接受"),
        ("notes.pdf", b"just some text pretending", "不接受"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "已损坏"),
    ],
)
def test_files_are_judged_by_their_content_not_their_name(
    demo: None, name: str, content: bytes, message: str
) -> None:
    case = registered_dispute()
    response = _upload(client_for("mediator"), case, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(demo: None, settings) -> None:
    case = registered_dispute()
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    response = _upload(client_for("mediator"), case, "big.pdf", big)
    assert response.status_code == 400
    assert "20 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_files_are_served_only_to_those_who_see_the_case_and_downloads_are_recorded(
    demo: None,
) -> None:
    case = registered_dispute()
    _upload(client_for("mediator"), case, "协议.pdf", _pdf())
    attachment = Attachment.objects.get()
    url = reverse("cases:download_attachment", args=[attachment.pk])
    for username in ["gridworker", "judge", "coordinator_jinse", "street"]:
        assert client_for(username).get(url).status_code == 404
    response = client_for("coordinator").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming and response.getvalue().startswith(b"%PDF")
    assert AuditEntry.objects.filter(event="download", object_id=str(attachment.pk)).count() == 1


def test_uploaded_files_are_not_under_the_web_root(demo: None, settings) -> None:
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert settings.MEDIA_URL not in {"/static/", "/media/"}
