"""Changes to the committees as organisations. Each runs in one transaction and writes one
audit entry (``REFERENCE_CHANGED``, with what changed in its detail); the seal-use record is
itself the record of a seal use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from clinic import audit
from clinic.choices import AuditEvent
from clinic.lib.versions import bump
from clinic.models import CommitteeMember, MediationCommittee, SealUse, TrainingRecord, User


def _audit(
    change: str, obj: Any, *, actor: User, request: HttpRequest | None, **detail: Any
) -> None:
    audit.record(
        AuditEvent.REFERENCE_CHANGED,
        request=request,
        user=actor,
        obj=obj,
        detail={"change": change, **detail},
    )


@transaction.atomic
def do_add_committee(
    *, actor: User, data: dict[str, Any], request: HttpRequest | None = None
) -> MediationCommittee:
    """A committee that holds no cases (企事业, 行业专业, 派驻, 个人调解工作室), for the
    organisation table. ``data`` is validated (``CommitteeForm``)."""
    committee = MediationCommittee.objects.create(**data)
    _audit("committee_added", committee, actor=actor, request=request, code=committee.code)
    return committee


@transaction.atomic
def do_add_member(
    committee: MediationCommittee,
    *,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> CommitteeMember:
    member = CommitteeMember.objects.create(committee=committee, **data)
    _audit(
        "member_added",
        member,
        actor=actor,
        request=request,
        committee=committee.pk,
        position=member.position,
    )
    return member


@transaction.atomic
def do_update_member(
    member: CommitteeMember,
    *,
    actor: User,
    changes: dict[str, Any],
    claim: Callable[[CommitteeMember], None] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Save a member's changes; with the form's ``claim``, a member changed since the form was
    shown raises ``Stale`` (the second of two people saving at once)."""
    (claim or bump)(member)
    changed = []
    for name, value in changes.items():
        if getattr(member, name) != value:
            changed.append(name)
            setattr(member, name, value)
    if not changed:
        return
    member.save(update_fields=changed)
    _audit("member_changed", member, actor=actor, request=request, fields=sorted(changed))


@transaction.atomic
def do_record_training(
    member: CommitteeMember,
    *,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> TrainingRecord:
    training = TrainingRecord.objects.create(member=member, recorded_by=actor, **data)
    _audit(
        "training_recorded",
        member,
        actor=actor,
        request=request,
        hours=str(training.hours),
        held_on=training.held_on.isoformat(),
    )
    return training


@transaction.atomic
def do_record_seal_use(
    committee: MediationCommittee, *, actor: User, data: dict[str, Any]
) -> SealUse:
    return SealUse.objects.create(committee=committee, recorded_by=actor, **data)
