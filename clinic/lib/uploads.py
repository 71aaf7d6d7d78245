"""Checking uploaded files by their content (never by their name) and removing every piece of
identifying metadata before they are stored: a photo keeps its pixels (turned upright) and its
colour profile only, a PDF loses its document information and XMP."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import pillow_heif
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

PDF, JPEG, PNG, HEIC = "pdf", "jpeg", "png", "heic"
CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    HEIC: "image/heic",
}
#: What a re-saved image keeps of what it was opened with: how its colours and transparency
#: read. Everything else (EXIF, XMP, IPTC, PNG text chunks, comments) is left behind.
_KEPT_INFO = ("icc_profile", "transparency", "gamma")


class UploadRejected(ValueError):
    """The file is not accepted; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    kind: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return "jpg" if self.kind == JPEG else self.kind


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes begin, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim"}:
        return HEIC
    return None


def check_upload(upload: UploadedFile, *, max_bytes: int, allowed: frozenset[str]) -> CheckedUpload:
    """Read, identify and verify an upload; it comes back without its metadata."""
    if upload.size is not None and upload.size > max_bytes:
        raise UploadRejected(_too_big(max_bytes))
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadRejected(_too_big(max_bytes))
    kind = sniff(content[:16])
    if kind is None or kind not in allowed:
        raise UploadRejected(
            str(_("This kind of file is not accepted: %(kinds)s only."))
            % {"kinds": ", ".join(sorted(k.upper() for k in allowed))}
        )
    try:
        if kind == PDF:
            content = strip_pdf_metadata(content)
        else:
            content = strip_image_metadata(content, kind)
    except UploadRejected:
        raise
    except Exception as error:
        raise UploadRejected(
            str(_("The file is damaged or not what its content claims."))
        ) from error
    return CheckedUpload(content=content, kind=kind)


def _too_big(max_bytes: int) -> str:
    return str(_("The file is larger than %(size)d MB.")) % {"size": max_bytes // (1024 * 1024)}


def strip_pdf_metadata(content: bytes) -> bytes:
    """The PDF written again without its document information (author, creator, producer,
    title, dates) and without XMP metadata, in the document or on any page."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415  heavy: ~0.2 s, only for PDFs

    reader = PdfReader(io.BytesIO(content), strict=False)
    if len(reader.pages) < 1:
        raise UploadRejected(str(_("The PDF has no pages.")))
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    for page in writer.pages:
        if "/Metadata" in page:
            del page["/Metadata"]
    for key in ("/PieceInfo", "/SpiderInfo"):
        if key in writer.root_object:
            del writer.root_object[key]
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strip_image_metadata(content: bytes, kind: str) -> bytes:
    """The photo saved again from its pixels alone: turned upright as its EXIF orientation
    says first, then without EXIF (camera, times, owner, GPS), XMP, IPTC, comments or PNG
    text; its colour profile is kept."""
    if kind == HEIC:
        pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(content)) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
        image.info = {key: opened.info[key] for key in _KEPT_INFO if key in opened.info}
        icc = image.info.get("icc_profile")
        out = io.BytesIO()
        if kind == JPEG:
            image.save(out, format="JPEG", quality=90, exif=b"", xmp=b"", icc_profile=icc)
        elif kind == PNG:
            image.save(out, format="PNG", exif=b"")
        else:
            image.save(out, format="HEIF", quality=90, exif=None, xmp=None)
    return out.getvalue()


#: Unicode categories never kept in a file name: controls, format characters (such as the
#: right-to-left override that turns "gpj.exe" around), surrogates, private use, separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_RESERVED = set('<>:"/\\|?*')


def clean_filename(name: str, extension: str, *, max_stem: int = 80) -> str:
    """The name a file is shown and downloaded under: the last path part only, no control or
    direction characters, no characters reserved by Windows, and the extension of what the
    content really is (``invoice.pdf.exe`` holding a PDF becomes ``invoice.pdf.pdf``)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch in _RESERVED else ch
        for ch in name
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = " ".join(stem.split()).strip(". ")[:max_stem] or "file"
    return f"{stem}.{extension}"
