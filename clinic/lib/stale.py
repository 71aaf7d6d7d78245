"""Optimistic concurrency for records without a version column: a form carries a fingerprint
of the values it was shown; if the stored values changed since, the save is refused and the
user is told, with what they typed still in the form."""

from __future__ import annotations

import hashlib
import json

from django.db import models


def fingerprint(obj: models.Model, fields: list[str]) -> str:
    values = {field: str(getattr(obj, field)) for field in fields}
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()[:32]
