"""Changes to the list of dispute subtypes. Each runs in one transaction and writes one audit
entry (``REFERENCE_CHANGED``, what changed in its detail), as the other reference data does.
A subtype is never deleted (cases point at it): it is no longer offered instead."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from cases.models import DisputeSubtype
from clinic import audit
from clinic.choices import AuditEvent
from clinic.lib.versions import Claim, bump
from clinic.models import User

#: What the district admin may set of a subtype.
FIELDS = ("name", "code", "dispute_type", "order", "active")


@transaction.atomic
def do_add_dispute_subtype(
    *, actor: User, data: dict[str, Any], request: HttpRequest | None = None
) -> DisputeSubtype:
    subtype = DisputeSubtype.objects.create(**{k: data[k] for k in FIELDS if k in data})
    audit.record(
        AuditEvent.REFERENCE_CHANGED,
        request=request,
        user=actor,
        obj=subtype,
        detail={"change": "subtype_added", "code": subtype.code},
    )
    return subtype


@transaction.atomic
def do_edit_dispute_subtype(
    subtype: DisputeSubtype,
    *,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
    claim: Claim | None = None,
) -> list[str]:
    """Save what changed; returns the names of the fields that did. ``claim``: the form's,
    so that someone else's change since the form was shown is not overwritten unseen."""
    locked = DisputeSubtype.objects.select_for_update().get(pk=subtype.pk)
    changed = {
        k: (getattr(locked, k), data[k])
        for k in FIELDS
        if k in data and getattr(locked, k) != data[k]
    }
    if not changed:
        return []
    (claim or bump)(locked)
    for key, (_old, new) in changed.items():
        setattr(locked, key, new)
    locked.save(update_fields=list(changed))
    audit.record(
        AuditEvent.REFERENCE_CHANGED,
        request=request,
        user=actor,
        obj=locked,
        detail={
            "change": "subtype_changed",
            "code": locked.code,
            "fields": {k: [str(old), str(new)] for k, (old, new) in changed.items()},
        },
    )
    return sorted(changed)


def do_deactivate_dispute_subtype(
    subtype: DisputeSubtype, *, actor: User, request: HttpRequest | None = None
) -> None:
    """No longer offered on the case forms; the cases that carry it keep it."""
    do_edit_dispute_subtype(subtype, actor=actor, data={"active": False}, request=request)
