"""Views of the roster: access first, then a form, then one action."""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic import access as clinic_access
from clinic.access import NotPermitted, NotVisible
from clinic.lib.export import safe_cell
from clinic.models import Clinic
from scheduling import access, actions, forms
from scheduling.choices import ROSTER_ROLES, BookingStatus, CommitmentKind, SessionStatus
from scheduling.models import Booking, ClinicSession, Commitment, Leave, Seat, WeeklyPattern

# --- Overview -------------------------------------------------------------------------------


def roster_home(request: HttpRequest) -> HttpResponse:
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


def month_calendar(request: HttpRequest, slug: str, year: int, month: int) -> HttpResponse:
    """A clinic's month: sessions, covered and uncovered seats, who is booked."""
    clinic = access.access_clinic(request.user, slug)
    first, last = _month_or_404(year, month)
    manages = access.manages_clinic(request.user, clinic)
    start, end = actions.month_bounds(year, month)
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


# --- Managing a clinic's roster ---------------------------------------------------------------


def clinic_settings(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    settings_form = forms.SettingsForm(
        request.POST if "save_settings" in request.POST else None,
        instance=actions.roster_settings(clinic),
    )
    pattern_form = forms.PatternForm(request.POST if "add_pattern" in request.POST else None)
    if request.method == "POST":
        if settings_form.is_bound and settings_form.is_valid():
            actions.do_save_settings(clinic, data=settings_form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("scheduling:settings", slug=slug)
        if pattern_form.is_bound and pattern_form.is_valid():
            actions.do_save_pattern(clinic, data=pattern_form.cleaned_data)
            messages.success(request, _("The weekly pattern was added."))
            return redirect("scheduling:settings", slug=slug)
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
def toggle_pattern(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = WeeklyPattern.objects.select_related("clinic").filter(pk=pk).first()
    if pattern is None:
        raise NotVisible("pattern", pk)
    access.access_clinic(request.user, pattern.clinic.slug, manage=True)
    actions.do_save_pattern(pattern.clinic, data={"active": not pattern.active}, pattern=pattern)
    return redirect("scheduling:settings", slug=pattern.clinic.slug)


@require_POST
def generate_sessions(request: HttpRequest, slug: str, year: int, month: int) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    _month_or_404(year, month)
    created = actions.do_generate_sessions(clinic, year=year, month=month)
    messages.success(
        request, _("%(n)d sessions created from the weekly patterns.") % {"n": created}
    )
    return redirect("scheduling:month", slug=slug, year=year, month=month)


@require_POST
def publish_month(request: HttpRequest, slug: str, year: int, month: int) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    _month_or_404(year, month)
    start, end = actions.month_bounds(year, month)
    published = actions.do_publish_sessions(
        ClinicSession.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
    )
    messages.success(request, _("%(n)d sessions published.") % {"n": published})
    return redirect("scheduling:month", slug=slug, year=year, month=month)


def add_session(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = access.access_clinic(request.user, slug, manage=True)
    form = forms.SessionForm(request.POST or None, initial={"place": clinic.address})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = actions.do_create_session(
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


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(request.user, pk)
    session = ClinicSession.objects.with_seats().get(pk=session.pk)
    manages = access.manages_clinic(request.user, session.clinic)
    if session.status != SessionStatus.PUBLISHED and not manages:
        raise NotVisible("session", pk)
    my_roles = access.seat_roles_for(request.user, session.clinic)
    return render(
        request,
        "scheduling/session_detail.html",
        {
            "session": session,
            "manages": manages,
            "my_roles": my_roles,
            "bookable": session.status == SessionStatus.PUBLISHED
            and session.starts_at > timezone.now(),
            "attendance_form": forms.AttendanceForm(),
        },
    )


def cancel_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(request.user, pk, manage=True)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        told = actions.do_cancel_session(
            session, actor=request.user, reason=form.cleaned_data["reason"]
        )
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
            "back": session.clinic,
        },
    )


# --- Bookings -------------------------------------------------------------------------------


@require_POST
def book_seat(request: HttpRequest, pk: int) -> HttpResponse:
    seat = access.access_seat(request.user, pk)
    try:
        actions.do_book_seat(seat, person=request.user, actor=request.user)
    except (actions.BookingRefused, actions.Clash) as refused:
        messages.error(request, refused.message)
        return redirect(seat.session)
    messages.success(request, _("Booked: %(session)s.") % {"session": seat.session})
    return redirect(seat.session)


def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel_booking(
                booking, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except actions.BookingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The booking was cancelled; the seat is open again."))
        return redirect(booking.seat.session)
    return render(
        request,
        "scheduling/form.html",
        {
            "form": form,
            "title": _("Cancel %(booking)s") % {"booking": booking},
            "submit": _("Cancel the booking"),
            "danger": True,
            "back": booking.seat.session,
        },
    )


@require_POST
def offer_swap(request: HttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk, own=True)
    if booking.swap_offered_at:
        actions.do_withdraw_swap(booking)
        messages.success(request, _("You keep this shift."))
    else:
        actions.do_offer_swap(booking)
        messages.success(request, _("Offered: a colleague of the same role can take it over."))
    return redirect("scheduling:my_roster")


@require_POST
def take_swap(request: HttpRequest, pk: int) -> HttpResponse:
    booking = Booking.objects.select_related("seat__session__clinic").filter(pk=pk).first()
    if booking is None or booking.swap_offered_at is None:
        raise NotVisible("booking", pk)
    access.access_clinic(request.user, booking.seat.session.clinic.slug)
    try:
        actions.do_accept_swap(booking, person=request.user)
    except (actions.BookingRefused, actions.Clash) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The shift is yours now."))
    return redirect("scheduling:my_roster")


@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk, own=True)
    session = booking.seat.session
    now = timezone.now()
    if not (session.starts_at - timedelta(hours=1) <= now <= session.ends_at + timedelta(hours=2)):
        messages.error(request, _("Check in on the day, from an hour before the session."))
    elif booking.checked_in_at is None:
        actions.do_check_in(booking)
        messages.success(request, _("Checked in."))
    else:
        actions.do_check_out(booking)
        messages.success(request, _("Checked out."))
    return redirect(session)


@require_POST
def mark_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk)
    if not access.manages_clinic(request.user, booking.seat.session.clinic):
        raise NotPermitted("booking", pk, "attendance")
    form = forms.AttendanceForm(request.POST)
    if form.is_valid():
        actions.do_mark_attendance(booking, attendance=form.cleaned_data["attendance"])
        messages.success(request, _("Saved."))
    return redirect(booking.seat.session)


# --- A professional's own roster --------------------------------------------------------------


def my_roster(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not clinic_access.has_role(user, *ROSTER_ROLES):
        raise NotPermitted("roster", "", "own")
    now = timezone.now()
    today = timezone.localdate()
    served = list(access.served_clinics(user))
    mine = (
        Booking.objects.filter(person=user, status=BookingStatus.ACTIVE)
        .select_related("seat__session__clinic")
        .order_by("seat__session__starts_at")
    )
    upcoming = [b for b in mine if b.seat.session.ends_at >= now]
    month_start, month_end = actions.month_bounds(today.year, today.month)
    month = [b for b in mine if month_start <= b.seat.session.starts_at < month_end]
    hours = sum(b.hours_on_site for b in month)
    horizon = now + timedelta(days=45)
    open_seats = []
    sessions = (
        ClinicSession.objects.published()
        .filter(clinic__in=served, starts_at__gt=now, starts_at__lt=horizon)
        .with_seats()
        .order_by("starts_at")
    )
    booked_sessions = {b.seat.session_id for b in upcoming}
    for session in sessions:
        if session.pk in booked_sessions:
            continue
        my_roles = access.seat_roles_for(user, session.clinic)
        seats = [s for s in session.seats.all() if s.holder is None and s.role in my_roles]
        if seats:
            open_seats.append((session, seats[0]))
    offered = [
        b
        for b in Booking.objects.filter(
            status=BookingStatus.ACTIVE,
            swap_offered_at__isnull=False,
            seat__session__starts_at__gt=now,
            seat__session__clinic__in=served,
        )
        .exclude(person=user)
        .select_related("seat__session__clinic", "person")
        if b.seat.role in access.seat_roles_for(user, b.seat.session.clinic)
    ]
    minimum = max((float(actions.roster_settings(c).minimum_hours) for c in served), default=4.0)
    return render(
        request,
        "scheduling/my_roster.html",
        {
            "upcoming": upcoming,
            "open_seats": open_seats[:20],
            "offered": offered,
            "hours": hours,
            "minimum": minimum,
            "leaves": Leave.objects.filter(person=user, ends_at__gte=now),
            "leave_form": forms.LeaveForm(),
        },
    )


@require_POST
def add_leave(request: HttpRequest) -> HttpResponse:
    if not clinic_access.has_role(request.user, *ROSTER_ROLES):
        raise NotPermitted("leave", "", "add")
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        try:
            actions.do_record_leave(request.user, **form.cleaned_data)
        except actions.Clash as clash:
            messages.error(request, clash.message)
        else:
            messages.success(request, _("Your leave was recorded; the roster will respect it."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("scheduling:my_roster")


@require_POST
def cancel_leave(request: HttpRequest, pk: int) -> HttpResponse:
    leave = Leave.objects.filter(pk=pk, person=request.user).first()
    if leave is None:
        raise NotVisible("leave", pk)
    actions.do_cancel_leave(leave)
    messages.success(request, _("Removed."))
    return redirect("scheduling:my_roster")


# --- Calendar feed ----------------------------------------------------------------------------


def feed_settings(request: HttpRequest) -> HttpResponse:
    if not clinic_access.has_role(request.user, *ROSTER_ROLES):
        raise NotPermitted("feed", "", "open")
    if request.method == "POST":
        actions.do_renew_feed_token(request.user)
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("scheduling:feed_settings")
    token = actions.feed_token(request.user)
    url = request.build_absolute_uri(reverse("scheduling:feed", args=[token.token]))
    return render(request, "scheduling/feed_settings.html", {"url": url})


@login_not_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private iCalendar feed (the key in the address is the only credential)."""
    from icalendar import Calendar, Event, Timezone, TimezoneStandard

    from scheduling.models import FeedToken

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
    standard.add("dtstart", datetime(1970, 1, 1))
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


# --- Suggestion -------------------------------------------------------------------------------


def suggest_roster(request: HttpRequest) -> HttpResponse:
    """Propose professionals for a clinic's or a street's open seats; nothing is booked until
    the coordinator accepts (all at once, or after changing some)."""
    managed = list(access.managed_clinics(request.user).select_related("community__street"))
    if not managed:
        raise NotPermitted("roster", "", "suggest")
    streets = forms.street_choices(managed)
    form = forms.SuggestForm(request.GET or None, clinics=managed, streets=streets)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        form = forms.SuggestForm(request.POST, clinics=managed, streets=streets)
        if form.is_valid():
            return _accept_suggestion(request, form)
    if form.is_bound and form.is_valid():
        year, month = form.cleaned_data["month"]
        result = actions.suggestion_for(
            form.cleaned_data["scope"], year=year, month=month, seconds=5
        )
        rows = []
        for seat_id, seat in sorted(result.seats.items(), key=lambda i: i[1].session.starts_at):
            proposed = result.assignments.get(seat_id)
            options = [
                result.people[c.person_id]
                for c in result.candidates
                if seat.role in c.seat_roles and seat.session.clinic_id in c.clinics
            ]
            why = result.unfilled.get(seat_id)
            rows.append({"seat": seat, "proposed": proposed, "options": options, "why": why})
        context.update({"result": result, "rows": rows})
    return render(request, "scheduling/suggest_roster.html", context)


def _accept_suggestion(request: HttpRequest, form: forms.SuggestForm) -> HttpResponse:
    from clinic.models import User

    clinics = form.cleaned_data["scope"]
    pairs = []
    for key, value in request.POST.items():
        if not key.startswith("seat-") or not value:
            continue
        seat = (
            Seat.objects.select_related("session__clinic__community__street")
            .filter(pk=key.removeprefix("seat-"), session__clinic__in=clinics)
            .first()
        )
        person = User.objects.filter(pk=value, is_active=True).first()
        if seat is not None and person is not None:
            pairs.append((seat, person))
    booked, problems = actions.do_accept_suggestion(pairs, actor=request.user)
    messages.success(request, _("%(n)d seats booked.") % {"n": booked})
    for problem in problems:
        messages.warning(request, problem)
    year, month = form.cleaned_data["month"]
    if len(clinics) == 1:
        return redirect("scheduling:month", slug=clinics[0].slug, year=year, month=month)
    return redirect("scheduling:home")


# --- Hours --------------------------------------------------------------------------------


def hours_report(request: HttpRequest) -> HttpResponse:
    """On-site hours per professional and clinic in a month, against the clinic's minimum."""
    managed = list(access.managed_clinics(request.user).select_related("community__street"))
    if not managed:
        raise NotPermitted("roster", "", "hours")
    form = forms.MonthForm(request.GET or None)
    today = timezone.localdate()
    year, month = form.cleaned_data["month"] if form.is_valid() else (today.year, today.month)
    start, end = actions.month_bounds(year, month)
    bookings = (
        Booking.objects.filter(
            seat__session__clinic__in=managed,
            seat__session__starts_at__gte=start,
            seat__session__starts_at__lt=end,
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("person", "seat__session__clinic__community__street")
    )
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for booking in bookings:
        clinic = booking.seat.session.clinic
        row = rows.setdefault(
            (booking.person_id, clinic.pk),
            {
                "person": booking.person,
                "clinic": clinic,
                "role": booking.role,
                "shifts": 0,
                "hours": 0.0,
            },
        )
        row["shifts"] += 1
        row["hours"] += booking.hours_on_site
    minimum = {c.pk: float(actions.roster_settings(c).minimum_hours) for c in managed}
    table = sorted(rows.values(), key=lambda r: (r["clinic"].name, r["person"].display_name))
    for row in table:
        row["minimum"] = minimum[row["clinic"].pk]
        row["short"] = row["hours"] < row["minimum"]
    if request.GET.get("format") == "csv":
        return _hours_csv(table, year, month)
    by_street: dict[str, float] = defaultdict(float)
    for row in table:
        by_street[row["clinic"].community.street.name] += row["hours"]
    return render(
        request,
        "scheduling/hours_report.html",
        {
            "form": form,
            "table": table,
            "year": year,
            "month": month,
            "by_street": dict(by_street),
            "month_value": f"{year:04d}-{month:02d}",
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _hours_csv(table: list[dict[str, Any]], year: int, month: int) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = [
        _("Street"),
        _("Clinic"),
        _("Name"),
        _("Organisation"),
        _("Role"),
        _("Shifts"),
        _("Hours"),
        _("Monthly minimum"),
    ]

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for row in table:
            yield writer.writerow(
                [
                    safe_cell(row["clinic"].community.street.name),
                    safe_cell(row["clinic"].name),
                    safe_cell(row["person"].display_name),
                    safe_cell(row["person"].organisation),
                    row["role"],
                    row["shifts"],
                    f"{row['hours']:.1f}",
                    f"{row['minimum']:.1f}",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hours-{year:04d}-{month:02d}.csv"'
    return response


# --- Public duty board ------------------------------------------------------------------------


@login_not_required
def duty_board(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is on duty today and this week, for residents: public fields only."""
    clinic = Clinic.objects.select_related("community").filter(slug=slug, is_active=True).first()
    if clinic is None:
        raise Http404
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    sessions = list(
        ClinicSession.objects.published()
        .filter(clinic=clinic, starts_at__gte=start, starts_at__lt=start + timedelta(days=7))
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
    url = request.build_absolute_uri()
    import segno

    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#1d2733")
    return render(
        request,
        "scheduling/duty_board.html",
        {"clinic": clinic, "todays": todays, "later": later, "qr": qr, "url": url, "today": today},
    )
