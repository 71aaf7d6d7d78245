"""Absolute links: every link a notice, a QR code or a calendar feed carries is built from the
configured site address (``CLINIC_SITE_URL``), never from the host a page was opened at (a
proxy's, a colleague's laptop's). ``manage.py check --deploy`` fails without it."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def site_url() -> str:
    """The site's address, without a trailing slash."""
    return str(getattr(settings, "CLINIC_SITE_URL", "") or "").rstrip("/")


def absolute(path: str) -> str:
    """``path`` (``/cases/21/``) as a full address on the site; an address already absolute,
    or none, is left as it is."""
    if not path or urlsplit(path).scheme:
        return path
    return urljoin(site_url() + "/", path.lstrip("/")) if site_url() else path
