"""A professional's leave: time taken out of the roster as a commitment."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import User
from scheduling.actions.bookings import Claim
from scheduling.actions.commitments import do_book_commitment
from scheduling.choices import CommitmentKind
from scheduling.models import Commitment, Leave


@transaction.atomic
def do_record_leave(person: User, *, starts_at: datetime, ends_at: datetime, reason: str) -> Leave:
    commitment = do_book_commitment(
        person, starts_at=starts_at, ends_at=ends_at, kind=CommitmentKind.LEAVE, title=_("Leave")
    )
    return Leave.objects.create(
        person=person, starts_at=starts_at, ends_at=ends_at, reason=reason, commitment=commitment
    )


@transaction.atomic
def do_cancel_leave(leave: Leave, *, claim: Claim | None = None) -> None:
    """Remove a leave; with the ``claim`` of the form sent, a leave changed or removed since
    the page showed it raises ``Stale``."""
    if claim is not None:
        claim(leave)
    Commitment.objects.filter(pk=leave.commitment_id).update(active=False)
    leave.delete()
