"""A clinic's roster: the overview, the month, settings and weekly patterns, sessions added,
generated, published and cancelled."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.lib.versions import Stale, say_stale
from scheduling import access, forms
from scheduling.actions.bookings import UNDO_CHECK_OUT
from scheduling.actions.sessions import (
    do_cancel_session,
    do_create_session,
    do_generate_sessions,
    do_publish_sessions,
    do_save_pattern,
    do_save_settings,
    month_bounds,
    roster_settings,
)
from scheduling.choices import ROSTER_ROLES, Attendance, SessionStatus
from scheduling.models import ClinicSession, WeeklyPattern


def roster_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Managers: their clinics and what is uncovered; professionals: their own roster."""
    user = request.user
    managed = list(access.managed_clinics(user))
    if not managed and not clinic_access.has_role(user, *ROSTER_ROLES):
        raise NotPermitted("roster", "", "open")
    today = timezone.localdate()
    soon = timezone.now() + timedelta(days=14)
    uncovered = []
    if managed:
        sessions = (
            ClinicSession.objects.filter(
                clinic__in=managed, starts_at__gte=timezone.now(), starts_at__lt=soon
            )
            .exclude(status=SessionStatus.CANCELLED)
            .with_seats()
        )
        for session in sessions:
            gaps = [seat for seat in session.seats.all() if seat.holder is None]
            if gaps:
                uncovered.append((session, gaps))
    return render(
        request,
        "scheduling/roster_home.html",
        {
            "managed": managed,
            "uncovered": uncovered,
            "year": today.year,
            "month": today.month,
            "is_professional": clinic_access.has_role(user, *ROSTER_ROLES),
        },
    )


def _month_or_404(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return first, last


def month_calendar(
    request: AuthenticatedHttpRequest, slug: str, year: int, month: int
) -> HttpResponse:
    """A clinic's month: sessions, covered and uncovered seats, who is booked."""
    clinic = access.access_clinic(request.user, slug)
    first, last = _month_or_404(year, month)
    manages = access.manages_clinic(request.user, clinic)
    start, end = month_bounds(year, month)
    sessions = list(
        ClinicSession.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .with_seats()
        .order_by("starts_at")
    )
    if not manages:
        sessions = [s for s in sessions if s.status == SessionStatus.PUBLISHED]
    by_day: dict[date, list[ClinicSession]] = defaultdict(list)
    for session in sessions:
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(year, month):
        weeks.append([(day, day.month == month, by_day.get(day, [])) for day in week])
    covered = sum(1 for s in sessions for seat in s.seats.all() if seat.holder)
    total = sum(len(s.seats.all()) for s in sessions if s.status != SessionStatus.CANCELLED)
    previous = first - timedelta(days=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "scheduling/month_calendar.html",
        {
            "clinic": clinic,
            "first": first,
            "weeks": weeks,
            "sessions": sessions,
            "manages": manages,
            "covered": covered,
            "total": total,
            "drafts": sum(1 for s in sessions if s.status == SessionStatus.DRAFT),
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
        },
    )


def clinic_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    settings_form = forms.SettingsForm(
        request.POST if "save_settings" in request.POST else None,
        instance=roster_settings(clinic),
    )
    pattern_form = forms.PatternForm(request.POST if "add_pattern" in request.POST else None)
    if request.method == "POST":
        if settings_form.is_bound and settings_form.is_valid():
            do_save_settings(clinic, data=settings_form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("scheduling:clinic_settings", slug=slug)
        if pattern_form.is_bound and pattern_form.is_valid():
            do_save_pattern(clinic, data=pattern_form.cleaned_data)
            messages.success(request, _("The weekly pattern was added."))
            return redirect("scheduling:clinic_settings", slug=slug)
    return render(
        request,
        "scheduling/clinic_settings.html",
        {
            "clinic": clinic,
            "settings_form": settings_form,
            "pattern_form": pattern_form,
            "patterns": WeeklyPattern.objects.filter(clinic=clinic),
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def toggle_pattern(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pattern = WeeklyPattern.objects.select_related("clinic").filter(pk=pk).first()
    if pattern is None:
        raise NotVisible("pattern", pk)
    access.access_clinic(request.user, pattern.clinic.slug, manage=True)
    do_save_pattern(pattern.clinic, data={"active": not pattern.active}, pattern=pattern)
    return redirect("scheduling:clinic_settings", slug=pattern.clinic.slug)


@require_POST
def generate_sessions(
    request: AuthenticatedHttpRequest, slug: str, year: int, month: int
) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    _month_or_404(year, month)
    created = do_generate_sessions(clinic, year=year, month=month)
    messages.success(
        request, _("%(n)d sessions created from the weekly patterns.") % {"n": created}
    )
    return redirect("scheduling:month_calendar", slug=slug, year=year, month=month)


@require_POST
def publish_month(
    request: AuthenticatedHttpRequest, slug: str, year: int, month: int
) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    _month_or_404(year, month)
    start, end = month_bounds(year, month)
    published = do_publish_sessions(
        ClinicSession.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
    )
    messages.success(request, _("%(n)d sessions published.") % {"n": published})
    return redirect("scheduling:month_calendar", slug=slug, year=year, month=month)


def add_session(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    form = forms.SessionForm(request.POST or None, initial={"place": clinic.address})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = do_create_session(
            clinic,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            kind=data["kind"],
            note=data["note"],
            status=SessionStatus.PUBLISHED if data["publish"] else SessionStatus.DRAFT,
        )
        messages.success(request, _("The session was added."))
        return redirect(session)
    return render(
        request,
        "scheduling/form.html",
        {"form": form, "title": _("Add a session"), "submit": _("Add"), "back": clinic},
        status=400 if request.method == "POST" else 200,
    )


def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(request.user, pk)
    session = ClinicSession.objects.with_seats().get(pk=session.pk)
    manages = access.manages_clinic(request.user, session.clinic)
    if session.status != SessionStatus.PUBLISHED and not manages:
        raise NotVisible("session", pk)
    my_roles = access.seat_roles_for(request.user, session.clinic)
    now = timezone.now()
    for seat in session.seats.all():  # each seat's forms carry its version
        setattr(seat, "version_form", forms.SeatForm(seat=seat))  # noqa: B010
    undoable = {
        b.pk
        for seat in session.seats.all()
        for b in seat.active_bookings
        if b.checked_out_at
        and now - b.checked_out_at <= UNDO_CHECK_OUT
        and (manages or b.person_id == request.user.pk)
    }
    return render(
        request,
        "scheduling/session_detail.html",
        {
            "session": session,
            "manages": manages,
            "my_roles": my_roles,
            "bookable": session.status == SessionStatus.PUBLISHED
            and session.starts_at > timezone.now(),
            "attendance_choices": Attendance.choices,
            "undoable": undoable,
            "assignable": manages
            and session.status != SessionStatus.CANCELLED
            and session.starts_at > now,
        },
    )


def cancel_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel a session as the page showed it: changed meanwhile, the coordinator is answered
    409 with the reason as typed and what changed."""
    session = access.access_session(request.user, pk, manage=True)
    posted = request.method == "POST"
    form = forms.CancelSessionForm(request.POST if posted else None, session=session)
    status = 400 if posted else 200
    if posted and form.is_valid():
        try:
            told = do_cancel_session(
                session, actor=request.user, reason=form.cleaned_data["reason"], claim=form.claim
            )
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        else:
            messages.success(
                request, _("The session was cancelled; %(n)d people were told.") % {"n": told}
            )
            return redirect(session)
    return render(
        request,
        "scheduling/form.html",
        {
            "form": form,
            "title": _("Cancel the session %(session)s") % {"session": session},
            "submit": _("Cancel the session"),
            "danger": True,
            "back": session,
        },
        status=status,
    )
