"""A professional's leave."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.lib.versions import Stale, say_stale
from scheduling import forms
from scheduling.actions.commitments import Clash
from scheduling.actions.leave import do_cancel_leave, do_record_leave
from scheduling.choices import ROSTER_ROLES
from scheduling.models import Leave


@require_POST
def add_leave(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not clinic_access.has_role(request.user, *ROSTER_ROLES):
        raise NotPermitted("leave", "", "add")
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        try:
            do_record_leave(request.user, **form.cleaned_data)
        except Clash as clash:
            messages.error(request, clash.message)
        else:
            messages.success(request, _("Your leave was recorded; the roster will respect it."))
    else:
        for errors in form.errors.values():
            for error in errors:  # an ErrorList yields its messages, never a ValidationError
                messages.error(request, str(error))
    return redirect("scheduling:my_roster")


@require_POST
def cancel_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    leave = Leave.objects.filter(pk=pk, person=request.user).first()
    if leave is None:
        raise NotVisible("leave", pk)
    form = forms.CancelLeaveForm(request.POST, leave=leave)
    status = 400
    if form.is_valid():
        try:
            do_cancel_leave(leave, claim=form.claim)
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        else:
            messages.success(request, _("Removed."))
            return redirect("scheduling:my_roster")
    title = _("Remove the leave %(leave)s") % {"leave": leave}
    return render(
        request,
        "scheduling/form.html",
        {"form": form, "title": title, "submit": _("Remove"), "danger": True},
        status=status,
    )
