"""System checks of the clinic project."""

from __future__ import annotations

import os
from typing import Any

from django.core.checks import Tags, Warning, register


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
