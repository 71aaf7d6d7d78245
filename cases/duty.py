"""A professional's case work for the roster's duty statement (scheduling calls this through
the ``duty_figures`` hook of this app's config; scheduling never imports cases)."""

from __future__ import annotations

from datetime import datetime

from cases.choices import InviteResponse
from cases.models import Advice, ConsultationInvitee, VisitAssignee
from clinic.models import User


def duty_figures(person: User, starts_at: datetime, ends_at: datetime) -> dict[str, int]:
    """In the period: advice given on cases, joint consultations concluded that the person
    took part in (did not decline), home visits made."""
    return {
        "advice": Advice.objects.filter(
            author=person, given_at__gte=starts_at, given_at__lt=ends_at
        ).count(),
        "consultations": ConsultationInvitee.objects.filter(
            user=person,
            consultation__concluded_at__gte=starts_at,
            consultation__concluded_at__lt=ends_at,
        )
        .exclude(response=InviteResponse.DECLINED)
        .count(),
        "home_visits": VisitAssignee.objects.filter(
            user=person,
            request__visited_at__gte=starts_at,
            request__visited_at__lt=ends_at,
        ).count(),
    }
