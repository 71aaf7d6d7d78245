"""The audit log's hash chain: each entry carries the seal of the entry before it
(``prev_hash``) and its own seal (``hash``), an HMAC-SHA256 of that previous seal and the entry's
content in a canonical form. The key (``settings.AUDIT_CHAIN_KEY``) is not in the database, so
someone who can write the database file (and drop its triggers) can change, delete or insert an
entry, but cannot seal it again: ``manage.py verify_audit`` shows the first broken link.

The canonical form is part of every seal already written: changing it (or adding a field to it)
needs a new version prefix and a migration that seals the log again. ``clinic.0014`` holds a
frozen copy, and a test keeps the two equal.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

#: The entry's fields in the seal, in this order (its id is not: the chain orders entries).
FIELDS = (
    "at",
    "user_id",
    "username",
    "roles",
    "event",
    "result",
    "object_type",
    "object_id",
    "object_repr",
    "ip",
    "path",
    "detail",
)
VERSION = "v1"


def canonical(values: dict[str, Any]) -> bytes:
    """An entry's content as the same bytes whichever database it was read back from: the time
    in UTC to the microsecond, the address in its short form, the details as JSON with sorted
    keys (after a JSON round trip, as the database keeps them)."""
    at: datetime = values["at"]
    ip = values["ip"]
    content = {
        **{name: values[name] for name in FIELDS},
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ip": ipaddress.ip_address(ip).compressed if ip else None,
        "detail": json.loads(json.dumps(values["detail"])),
    }
    text = json.dumps(
        [VERSION, [content[name] for name in FIELDS]],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return text.encode()


def _key() -> bytes:
    return str(settings.AUDIT_CHAIN_KEY).encode()


def seal(prev_hash: str, values: dict[str, Any]) -> str:
    """The ``hash`` of an entry with ``values`` that follows the entry sealed ``prev_hash``."""
    return hmac.new(
        _key(), prev_hash.encode() + b"\n" + canonical(values), hashlib.sha256
    ).hexdigest()


def seal_anchor(through_id: int, hash_: str) -> str:
    """The seal of a purge's anchor: the chain went on from entry ``through_id``, sealed
    ``hash_``, which is no longer there."""
    return hmac.new(_key(), f"anchor\n{through_id}\n{hash_}".encode(), hashlib.sha256).hexdigest()
