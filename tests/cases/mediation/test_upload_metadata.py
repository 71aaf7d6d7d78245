"""An uploaded file keeps nothing that says who took it, with what, when or where: photos lose
EXIF (camera make and model, times, the owner's name, GPS), XMP, comments and PNG text, turned
upright first; a PDF loses its author, creator, producer and XMP. The colour profile stays."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter

from cases.models import Attachment
from tests.cases.factories import registered_dispute
from tests.conftest import client_for

OWNER = "Zhang Sanfeng"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Zhang Sanfeng</dc:creator>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
#: What a photo must not carry away, as it appears in the bytes of the file.
TELLTALES = [b"Canon", b"EOS 5D Mark IV", OWNER.encode(), b"2026:03:14", b"Zhang"]
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS 5D Mark IV"  # Model
    exif[0x0132] = "2026:03:14 09:26:53"  # DateTime
    exif[0x013B] = OWNER  # Artist
    exif[0x8298] = OWNER  # Copyright
    exif[0x0112] = orientation
    taken = exif.get_ifd(0x8769)
    taken[0x9003] = "2026:03:14 09:26:53"  # DateTimeOriginal
    taken[0xA430] = OWNER  # CameraOwnerName
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (25.0, 3.0, 0.0)
    return exif.tobytes()


def _photo(fmt: str, *, orientation: int = 1) -> bytes:
    """A 40×20 photo, left half red and right half blue, with everything a phone writes."""
    image = Image.new("RGB", (40, 20), "red")
    image.paste((0, 0, 255), (20, 0, 40, 20))
    options: dict[str, object] = {"exif": _exif(orientation), "icc_profile": SRGB, "xmp": XMP}
    if fmt == "JPEG":
        options["comment"] = OWNER
    if fmt == "PNG":
        text = PngInfo()
        text.add_text("Author", OWNER)
        text.add_itxt("Description", "Zhang's flat, 2026:03:14")
        options["pnginfo"] = text
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _upload(content: bytes, name: str, kind: str = "evidence") -> Attachment:
    case = registered_dispute()
    response = client_for("mediator").post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content), "description": "现场照片"},
    )
    assert response.status_code == 302
    return Attachment.objects.get()


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "IMG_0001.jpg"), ("PNG", "screen.png")])
def test_a_photo_is_stored_with_no_metadata_but_its_colour_profile(
    demo: None, fmt: str, name: str
) -> None:
    original = _photo(fmt)
    assert all(telltale in original for telltale in TELLTALES[:3])
    attachment = _upload(original, name)
    stored = attachment.file.read()
    assert [t for t in TELLTALES if t in stored] == []
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert "xmp" not in image.info and "comment" not in image.info
        assert getattr(image, "text", {}) == {}
        assert image.info.get("icc_profile") == SRGB


def test_a_heic_photo_from_a_phone_is_stored_with_no_metadata(demo: None) -> None:
    pillow_heif.register_heif_opener()
    original = _photo("HEIF")
    attachment = _upload(original, "IMG_0002.heic")
    stored = attachment.file.read()
    assert [t for t in TELLTALES if t in stored] == []
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {} and not image.info.get("xmp")


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_goes(demo: None) -> None:
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it.
    attachment = _upload(_photo("JPEG", orientation=6), "IMG_0003.jpg")
    with Image.open(attachment.file.path) as image:
        assert image.size == (20, 40)
        assert 0x0112 not in image.getexif()
        top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60  # the red left half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_pdf_is_stored_without_its_author_creator_producer_or_xmp(demo: None) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata(
        {"/Author": OWNER, "/Creator": "Canon ScanGear", "/Producer": "EOS 5D Mark IV PDF"}
    )
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    assert OWNER.encode() in out.getvalue()
    attachment = _upload(out.getvalue(), "协议.pdf", kind="signed_agreement")
    stored = attachment.file.read()
    assert [t for t in [*TELLTALES, b"ScanGear"] if t in stored] == []
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    assert not reader.metadata and reader.xmp_metadata is None
