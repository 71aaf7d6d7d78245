"""A joint consultation's meeting in people's calendars: released when the consultation ends,
whether it concludes or the case is settled or ended while it is open."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from cases.models import CaseEvent, JointConsultation
from scheduling.actions import do_release_commitment
from scheduling.choices import CommitmentKind
from scheduling.models import Commitment


def release_meeting(consultation: JointConsultation | None) -> None:
    """Take the fixed meeting out of everyone's calendar: the invitees' bookings, and the one
    of whoever fixed it (theirs is the only active meeting of that person at exactly that
    time: a person's active commitments never overlap). A meeting already over stays as it
    was, a record of the time spent."""
    meeting = consultation.meeting if consultation is not None else None
    if consultation is None or meeting is None:
        return
    invitees = consultation.invitees.exclude(commitment=None).order_by("pk")
    fixers = CaseEvent.objects.filter(
        case_id=consultation.case_id, payload__what="meeting_fixed"
    ).values("actor_id")
    theirs = Commitment.objects.active().filter(
        Q(pk__in=invitees.values("commitment_id"))
        | Q(
            person_id__in=fixers,
            kind=CommitmentKind.MEETING,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        ),
        ends_at__gt=timezone.now(),
    )
    for commitment in theirs.order_by("person_id"):
        do_release_commitment(commitment)
    invitees.update(commitment=None, row_version=F("row_version") + 1)
