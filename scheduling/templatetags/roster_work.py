"""The roster part of the home pages: a professional's next shifts, open seats and hours; a
manager's uncovered seats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from clinic.access import AuthenticatedHttpRequest
from scheduling import access
from scheduling.actions.sessions import month_bounds
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession

register = template.Library()


@register.inclusion_tag("scheduling/_roster_work.html", takes_context=True)
def roster_work(context: dict[str, Any], role: str) -> dict[str, Any]:
    request: AuthenticatedHttpRequest = context["request"]  # the home pages are behind login
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    if role in {"coordinator", "street_officer", "district_admin"}:
        clinics = list(access.managed_clinics(user))
        sessions = (
            ClinicSession.objects.filter(
                clinic__in=clinics, starts_at__gte=now, starts_at__lt=now + timedelta(days=14)
            )
            .exclude(status=SessionStatus.CANCELLED)
            .with_seats()
        )
        gaps = sum(1 for s in sessions for seat in s.seats.all() if seat.holder is None)
        return {"manager": True, "gaps": gaps, "clinics": clinics, "today": today}
    mine = list(
        Booking.objects.filter(
            person=user, status=BookingStatus.ACTIVE, seat__session__ends_at__gte=now
        )
        .select_related("seat__session__clinic")
        .order_by("seat__session__starts_at")[:4]
    )
    start, end = month_bounds(today.year, today.month)
    month = Booking.objects.filter(
        person=user,
        status=BookingStatus.ACTIVE,
        seat__session__starts_at__gte=start,
        seat__session__starts_at__lt=end,
    ).select_related("seat__session")
    hours = sum(b.hours_on_site for b in month)
    return {"manager": False, "next": mine, "hours": hours, "today": today}
