"""The private calendar feed and the page that gives its address."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneStandard

from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.notify.links import absolute
from scheduling.actions.feeds import do_renew_feed_token, feed_token
from scheduling.choices import ROSTER_ROLES, CommitmentKind
from scheduling.models import Commitment, FeedToken


def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not clinic_access.has_role(request.user, *ROSTER_ROLES):
        raise NotPermitted("feed", "", "open")
    if request.method == "POST":
        do_renew_feed_token(request.user)
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("scheduling:feed_settings")
    token = feed_token(request.user)
    # the site's own address (CLINIC_SITE_URL), not the host this page was opened at
    url = absolute(reverse("scheduling:feed", args=[token.token]))
    return render(request, "scheduling/feed_settings.html", {"url": url})


@login_not_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private iCalendar feed (the key in the address is the only credential)."""
    found = FeedToken.objects.select_related("person").filter(token=token).first()
    if found is None or not found.person.is_active:
        raise Http404
    person = found.person
    cal = Calendar()
    cal.add("prodid", "-//sanguan-yilv clinic//roster//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("%(name)s's clinic duties") % {"name": person})
    cal.add("x-wr-timezone", "Asia/Shanghai")
    tz = Timezone()
    tz.add("tzid", "Asia/Shanghai")
    standard = TimezoneStandard()
    # a VTIMEZONE's DTSTART is a local time without a zone (RFC 5545, 3.6.5)
    standard.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001
    standard.add("tzoffsetfrom", timedelta(hours=8))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    tz.add_component(standard)
    cal.add_component(tz)
    since = timezone.now() - timedelta(days=60)
    commitments = (
        Commitment.objects.active()
        .filter(person=person, ends_at__gte=since)
        .exclude(kind=CommitmentKind.LEAVE)
    )
    for commitment in commitments:
        event = Event()
        event.add("uid", f"commitment-{commitment.pk}@clinic")
        event.add("summary", commitment.title)
        event.add("dtstart", timezone.localtime(commitment.starts_at))
        event.add("dtend", timezone.localtime(commitment.ends_at))
        event.add("dtstamp", commitment.created_at)
        if commitment.place:
            event.add("location", commitment.place)
        event.add("categories", [str(commitment.get_kind_display())])
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
