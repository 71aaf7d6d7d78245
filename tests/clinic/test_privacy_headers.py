"""What a browser may keep and use: every response to a signed-in person is stored by no cache
(any of it may hold personal data), static files keep their cache, and every page switches off
the device features no page uses (camera, microphone, location …)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from cases.models import Attachment
from tests.cases.factories import registered_dispute
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def _features(response) -> dict[str, str]:
    policy = response["Permissions-Policy"]
    return dict(part.strip().split("=", 1) for part in policy.split(","))


def test_a_signed_in_persons_pages_are_stored_by_no_cache(demo: None) -> None:
    client = client_for("mediator")
    for url in [reverse("cases:case_list"), reverse("clinic:home_role", args=["mediator"])]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
    assert "no-store" in client.post(reverse("clinic:keepalive"))["Cache-Control"]


def test_an_error_page_for_a_signed_in_person_is_not_stored_either(demo: None) -> None:
    response = client_for("gridworker").get(reverse("cases:case_detail", args=[999999]))
    assert response.status_code == 404 and "no-store" in response["Cache-Control"]


def test_a_file_served_privately_keeps_its_own_no_store(demo: None, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    pdf = tmp_path / "scan.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    case = registered_dispute()
    client = client_for("mediator")
    client.post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("scan.pdf", pdf.read_bytes())},
    )
    response = client.get(reverse("cases:download_attachment", args=[Attachment.objects.get().pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_keep_their_cache_for_a_signed_in_person(demo: None) -> None:
    response = client_for("mediator").get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_sign_in_page_is_not_marked_private_but_has_the_policy(db: None) -> None:
    response = Client().get(reverse("login"))
    assert _features(response)["camera"] == "()"


def test_every_page_switches_off_camera_microphone_and_location(demo: None) -> None:
    for response in [
        Client().get(reverse("login")),
        client_for("mediator").get(reverse("cases:case_list")),
        client_for("gridworker").get(reverse("cases:case_detail", args=[999999])),
    ]:
        features = _features(response)
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert features[feature] == "()", feature


def test_no_page_asks_for_the_camera_microphone_or_location() -> None:
    """The policy above holds only while no script uses those features."""
    sources = [*(ROOT / "static" / "js").glob("*.js"), *(ROOT / "templates").rglob("*.html")]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for api in ["getUserMedia", "geolocation", 'capture="']:
            assert api not in text, (source.name, api)
