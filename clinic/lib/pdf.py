"""Chinese PDFs with WeasyPrint: A4, an explicitly named CJK font family (Debian's
fonts-noto-cjk, Simplified Chinese variant), and a URL fetcher that never reaches the network:
only our own static files, uploaded files under MEDIA_ROOT, and data: URIs."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

FONT_FAMILY = '"Noto Serif CJK SC", "Noto Sans CJK SC"'


class FetchRefused(ValueError):
    """A document asked for something outside the allowed places."""


def restricted_fetcher() -> Any:
    """A fetcher that serves ``static:path``, files under MEDIA_ROOT and ``data:`` URIs and
    refuses everything else: documents never reach the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415  heavy: ~1 s

    class RestrictedFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("static:"):
                found = finders.find(url.removeprefix("static:"))
                if found:
                    return URLFetcherResponse(url, body=Path(found).read_bytes())
                raise FetchRefused(url)
            if url.startswith("file:"):
                path = Path(url2pathname(url.removeprefix("file:").split("?")[0])).resolve()
                media = Path(settings.MEDIA_ROOT).resolve()
                if media in path.parents:
                    return URLFetcherResponse(url, body=path.read_bytes())
            raise FetchRefused(url)

    return RestrictedFetcher(allowed_protocols={"data", "static", "file"}, fail_on_errors=False)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, {**context, "font_family": FONT_FAMILY}))


_local = threading.local()


def _font_config() -> Any:
    """One font configuration per thread, reused: loading the CJK fonts afresh for each
    document costs time, and Pango's font maps are not freed promptly."""
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415  heavy: ~1 s

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415  heavy: loads Pango, ~1 s

    return HTML(string=html, url_fetcher=restricted_fetcher()).write_pdf(font_config=_font_config())


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader  # noqa: PLC0415  heavy: ~0.2 s, only for PDFs

    return len(PdfReader(io.BytesIO(pdf)).pages)
