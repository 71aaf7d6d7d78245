"""System checks of the clinic project."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_personal_data_keys(app_configs: Any, **kwargs: Any) -> list[Warning]:
    missing = [
        name for name in ("CLINIC_FIELD_KEYS", "CLINIC_LOOKUP_KEY") if not os.environ.get(name)
    ]
    if not missing:
        return []
    return [
        Warning(
            f"{', '.join(missing)} not set: residents' personal data is encrypted with a key "
            "derived from the secret key.",
            hint="Generate keys (see README, Production) and keep them apart from backups.",
            id="clinic.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_audit_key(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if os.environ.get("CLINIC_AUDIT_KEY"):
        return []
    return [
        Warning(
            "CLINIC_AUDIT_KEY not set: the audit log's chain is sealed with a key derived from "
            "the secret key, which whoever holds the settings also holds.",
            hint="Generate a key (see README, append-only) and keep it apart from the database "
            "and its backups; verify_audit needs it.",
            id="clinic.W002",
        )
    ]


def stale_catalogues(locale_paths: list[Path]) -> list[str]:
    """The ``.po`` catalogues whose compiled ``.mo`` is missing or older than they are."""
    stale = []
    for folder in locale_paths:
        for po in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(str(po.relative_to(folder)))
    return stale


@register(Tags.translation, deploy=True)
def check_compiled_catalogues(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The ``.mo`` files are not committed: a deployment that does not compile them serves
    every page in English."""
    stale = stale_catalogues([Path(p) for p in settings.LOCALE_PATHS])
    if not stale:
        return []
    return [
        Error(
            f"Translations not compiled, or older than their catalogue: {', '.join(stale)}. "
            "Pages would show English instead of Chinese.",
            hint="Run `manage.py compilemessages --ignore=.venv` (see README, Production).",
            id="clinic.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Links in notices, QR codes and calendar feeds are built from ``CLINIC_SITE_URL``: a
    deployment must name its own https address."""
    given = os.environ.get("CLINIC_SITE_URL", "").strip()
    if given.startswith("https://") and len(given) > len("https://"):
        return []
    return [
        Error(
            "CLINIC_SITE_URL is not set to the site's https address: notices, QR codes and "
            "calendar feeds would carry links to the wrong place.",
            hint="Set CLINIC_SITE_URL=https://<the address people open> (see README, "
            "Notifications).",
            id="clinic.E010",
        )
    ]
