"""A committee's common answers: added, changed, retired, and counted each time one answers a
walk-in question. Each change stamps who made it and when."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.models import CommonAnswer
from clinic.models import MediationCommittee, User

#: What a person may change of a common answer.
FIELDS = ("dispute_type", "question", "answer", "active")


@transaction.atomic
def do_add_common_answer(
    committee: MediationCommittee, *, actor: User, data: dict[str, Any]
) -> CommonAnswer:
    return CommonAnswer.objects.create(
        committee=committee,
        updated_by=actor,
        updated_at=timezone.now(),
        **{key: data[key] for key in FIELDS if key in data},
    )


@transaction.atomic
def do_edit_common_answer(answer: CommonAnswer, *, actor: User, data: dict[str, Any]) -> None:
    for key in FIELDS:
        if key in data:
            setattr(answer, key, data[key])
    answer.updated_by = actor
    answer.updated_at = timezone.now()
    answer.save(update_fields=[*FIELDS, "updated_by", "updated_at"])


@transaction.atomic
def do_retire_common_answer(answer: CommonAnswer, *, actor: User) -> None:
    """No longer offered on the advice form; kept, and may be put back in use by editing."""
    do_edit_common_answer(answer, actor=actor, data={"active": False})


def do_count_common_answer_use(answer: CommonAnswer, *, actor: User) -> None:
    """One more walk-in question answered from it, by ``actor`` (the count orders the
    picker; who changed the answer itself stays as it was)."""
    CommonAnswer.objects.filter(pk=answer.pk).update(times_used=F("times_used") + 1)
