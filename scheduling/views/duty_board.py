"""The public duty board of a clinic, for residents."""

from __future__ import annotations

from datetime import datetime, timedelta

import segno
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clinic.models import Clinic
from clinic.notify.links import absolute
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession, Seat


@login_not_required
def duty_board(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is on duty today and this week, for residents: public fields only. A cancelled
    session stays on the board, marked as cancelled, so nobody comes in vain."""
    clinic = Clinic.objects.select_related("community").filter(slug=slug, is_active=True).first()
    if clinic is None:
        raise Http404
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    sessions = list(
        ClinicSession.objects.filter(
            clinic=clinic,
            status__in=[SessionStatus.PUBLISHED, SessionStatus.CANCELLED],
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7),
        )
        .prefetch_related(
            Prefetch(
                "seats",
                queryset=Seat.objects.prefetch_related(
                    Prefetch(
                        "bookings",
                        queryset=Booking.objects.filter(status=BookingStatus.ACTIVE).select_related(
                            "person"
                        ),
                        to_attr="active_bookings",
                    )
                ).order_by("role", "index"),
            )
        )
        .order_by("starts_at")
    )
    todays = [s for s in sessions if timezone.localtime(s.starts_at).date() == today]
    later = [s for s in sessions if timezone.localtime(s.starts_at).date() != today]
    # the site's own address (CLINIC_SITE_URL), not the host this page was opened at
    url = absolute(reverse("scheduling:duty_board", args=[clinic.slug]))
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#1d2733")
    return render(
        request,
        "scheduling/duty_board.html",
        {"clinic": clinic, "todays": todays, "later": later, "qr": qr, "url": url, "today": today},
    )
