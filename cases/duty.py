"""Professionals' case work for the roster's duty statement (scheduling calls this through
the ``duty_figures`` hook of this app's config; scheduling never imports cases)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, QuerySet

from cases.choices import InviteResponse
from cases.models import Advice, ConsultationInvitee, VisitAssignee
from clinic.models import User


def _counted(rows: QuerySet, field: str) -> dict[int, int]:
    return {row[field]: row["n"] for row in rows.values(field).annotate(n=Count("pk"))}


def duty_figures(
    people: Sequence[User], starts_at: datetime, ends_at: datetime
) -> dict[int, dict[str, int]]:
    """For each person, in the period: advice given on cases, joint consultations concluded
    that they took part in (did not decline), home visits made. Three queries whatever the
    number of people."""
    ids = [person.pk for person in people]
    advice = _counted(
        Advice.objects.filter(author__in=ids, given_at__gte=starts_at, given_at__lt=ends_at),
        "author",
    )
    consultations = _counted(
        ConsultationInvitee.objects.filter(
            user__in=ids,
            consultation__concluded_at__gte=starts_at,
            consultation__concluded_at__lt=ends_at,
            response=InviteResponse.ACCEPTED,  # who never answered took no part
        ),
        "user",
    )
    visits = _counted(
        VisitAssignee.objects.filter(
            user__in=ids, request__visited_at__gte=starts_at, request__visited_at__lt=ends_at
        ),
        "user",
    )
    return {
        pk: {
            "advice": advice.get(pk, 0),
            "consultations": consultations.get(pk, 0),
            "home_visits": visits.get(pk, 0),
        }
        for pk in ids
    }
