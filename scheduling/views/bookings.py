"""Seats: a professional's own roster, booking, cancelling, swapping, checking in,
attendance."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.lib.versions import Stale, say_stale
from clinic.notify.backends import sms_enabled
from scheduling import access, forms
from scheduling.actions.bookings import (
    BookingRefused,
    check_undo_check_out,
    do_accept_swap,
    do_assign_seat,
    do_book_seat,
    do_cancel_booking,
    do_check_in,
    do_check_out,
    do_mark_attendance,
    do_offer_swap,
    do_undo_check_out,
    do_withdraw_swap,
    free_people_for,
)
from scheduling.actions.commitments import Clash
from scheduling.actions.sessions import month_bounds, roster_settings
from scheduling.choices import ROSTER_ROLES, BookingStatus
from scheduling.models import Booking, ClinicSession, Leave, Seat


def my_roster(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    month_start, month_end = month_bounds(today.year, today.month)
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
    minimum = max((float(roster_settings(c).minimum_hours) for c in served), default=4.0)
    leaves = list(Leave.objects.filter(person=user, ends_at__gte=now))
    for leave in leaves:  # each leave's remove button carries its version
        setattr(leave, "version_form", forms.CancelLeaveForm(leave=leave))  # noqa: B010
    return render(
        request,
        "scheduling/my_roster.html",
        {
            "upcoming": upcoming,
            "open_seats": open_seats[:20],
            "offered": offered,
            "hours": hours,
            "minimum": minimum,
            "leaves": leaves,
            "leave_form": forms.LeaveForm(),
        },
    )


@require_POST
def book_seat(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = access.access_seat(request.user, pk)
    try:
        do_book_seat(seat, person=request.user, actor=request.user)
    except (BookingRefused, Clash) as refused:
        return _refused(request, seat.session, refused.message)
    messages.success(request, _("Booked: %(session)s.") % {"session": seat.session})
    return redirect(seat.session)


def cancel_booking(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk)
    posted = request.method == "POST"
    form = forms.CancelBookingForm(request.POST if posted else None, seat=booking.seat)
    status = 400 if posted else 200
    if posted and form.is_valid():
        try:
            do_cancel_booking(
                booking, actor=request.user, reason=form.cleaned_data["reason"], claim=form.claim
            )
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        except BookingRefused as refused:
            form.add_error(None, refused.message)
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
        status=status,
    )


def _seat_form_page(
    request: AuthenticatedHttpRequest,
    form: forms.SeatForm,
    seat: Seat,
    *,
    title: str,
    submit: str,
    status: int,
) -> HttpResponse:
    """A seat's button (check in, check out, undo, attendance) refused: the form as sent, why,
    and what changed, to send again from."""
    return render(
        request,
        "scheduling/form.html",
        {"form": form, "title": title, "submit": submit, "back": seat.session},
        status=status,
    )


@require_POST
def offer_swap(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk, own=True)
    if booking.swap_offered_at:
        do_withdraw_swap(booking)
        messages.success(request, _("You keep this shift."))
    else:
        do_offer_swap(booking)
        messages.success(request, _("Offered: a colleague of the same role can take it over."))
    return redirect("scheduling:my_roster")


@require_POST
def take_swap(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = Booking.objects.select_related("seat__session__clinic").filter(pk=pk).first()
    if booking is None or booking.swap_offered_at is None:
        raise NotVisible("booking", pk)
    access.access_clinic(request.user, booking.seat.session.clinic.slug)
    try:
        do_accept_swap(booking, person=request.user)
    except (BookingRefused, Clash) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The shift is yours now."))
    return redirect("scheduling:my_roster")


@require_POST
def check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check in, or out once checked in, with the seat's version the page showed."""
    booking = access.access_booking(request.user, pk, own=True)
    session = booking.seat.session
    now = timezone.now()
    checking_in = booking.checked_in_at is None
    title = _("Check in") if checking_in else _("Check out")
    form = forms.SeatForm(request.POST, seat=booking.seat)
    if not (session.starts_at - timedelta(hours=1) <= now <= session.ends_at + timedelta(hours=2)):
        messages.error(request, _("Check in on the day, from an hour before the session."))
        return redirect(session)
    if not form.is_valid():
        return _seat_form_page(request, form, booking.seat, title=title, submit=title, status=400)
    try:
        if checking_in:
            do_check_in(booking, claim=form.claim)
        else:
            do_check_out(booking, claim=form.claim)
    except Stale as stale:
        say_stale(form, stale)
        return _seat_form_page(request, form, booking.seat, title=title, submit=title, status=409)
    messages.success(request, _("Checked in.") if checking_in else _("Checked out."))
    return redirect(session)


def _refused(
    request: AuthenticatedHttpRequest, session: ClinicSession, message: str
) -> HttpResponse:
    """Why it was refused, with the way back to the session, as a 400."""
    return render(
        request, "scheduling/refused.html", {"session": session, "message": message}, status=400
    )


def assign_seat(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator puts a professional of the seat's role, free at that time, into an empty
    seat; the professional is told."""
    seat = access.access_seat(request.user, pk)
    if not access.manages_clinic(request.user, seat.session.clinic):
        raise NotPermitted("seat", pk, "assign")
    choices = free_people_for(seat)
    posted = request.method == "POST"
    form = forms.AssignForm(request.POST if posted else None, seat=seat, people=choices)
    status = 400 if posted else 200
    outdated = form.outdated() if posted and not form.is_valid() else None
    if outdated is not None:  # taken meanwhile: whom they chose may no longer be offered
        form.errors.pop("person", None)  # the changes listed say why
        say_stale(form, outdated)
        status = 409
    elif posted and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            do_assign_seat(seat, person=person, actor=request.user, claim=form.claim)
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        except (BookingRefused, Clash) as refused:
            form.add_error("person", refused.message)
        else:
            messages.success(
                request,
                _("%(person)s is booked for this seat and has been told.") % {"person": person},
            )
            if not sms_enabled():
                messages.warning(request, no_sms_notice(person))
            return redirect(seat.session)
    return render(
        request,
        "scheduling/assign_seat.html",
        {
            "form": form,
            "seat": seat,
            "session": seat.session,
            "people": choices,
            "no_sms": not sms_enabled(),
        },
        status=status,
    )


def no_sms_notice(person: object) -> str:
    """Where no SMS is sent (``CLINIC_SMS_BACKEND`` none), who to phone instead."""
    return _("No SMS in this deployment: tell %(person)s by phone.") % {"person": person}


@require_POST
def undo_check_out(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take back a check-out made a moment ago (the person or a roster manager)."""
    booking = access.access_booking(request.user, pk)
    try:
        check_undo_check_out(booking)
    except BookingRefused as refused:
        return _refused(request, booking.seat.session, refused.message)
    form = forms.SeatForm(request.POST, seat=booking.seat)
    title = _("Undo the check-out")
    if not form.is_valid():
        return _seat_form_page(request, form, booking.seat, title=title, submit=title, status=400)
    try:
        do_undo_check_out(booking, actor=request.user, claim=form.claim, request=request)
    except Stale as stale:
        say_stale(form, stale)
        return _seat_form_page(request, form, booking.seat, title=title, submit=title, status=409)
    if booking.person_id == request.user.pk:
        messages.success(request, _("The check-out was undone; you are checked in."))
    else:
        messages.success(
            request,
            _("The check-out was undone; %(name)s is checked in again.") % {"name": booking.person},
        )
    return redirect(booking.seat.session)


@require_POST
def mark_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = access.access_booking(request.user, pk)
    if not access.manages_clinic(request.user, booking.seat.session.clinic):
        raise NotPermitted("booking", pk, "attendance")
    form = forms.AttendanceForm(request.POST, seat=booking.seat)
    title = _("Attendance")
    if not form.is_valid():
        return _seat_form_page(
            request, form, booking.seat, title=title, submit=_("Save"), status=400
        )
    try:
        do_mark_attendance(booking, attendance=form.cleaned_data["attendance"], claim=form.claim)
    except Stale as stale:
        say_stale(form, stale)
        return _seat_form_page(
            request, form, booking.seat, title=title, submit=_("Save"), status=409
        )
    messages.success(request, _("Saved."))
    return redirect(booking.seat.session)
