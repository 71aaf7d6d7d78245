"""Roster suggestion: propose, review, accept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.models import User
from scheduling import access, forms
from scheduling.actions.suggestions import do_accept_suggestion, suggestion_for
from scheduling.models import Seat

#: How far the solver got, in words (it reports optimal, feasible, infeasible or unknown).
SOLVER_STATUS = {
    "optimal": gettext_lazy("the best possible"),
    "feasible": gettext_lazy("good, not proven the best"),
    "infeasible": gettext_lazy("no roster meets every rule"),
    "unknown": gettext_lazy("not solved in time"),
}


def suggest_roster(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        found = suggestion_for(form.cleaned_data["scope"], year=year, month=month, seconds=5)
        result = found.result
        rows = []
        for seat_id, seat in sorted(found.seats.items(), key=lambda i: i[1].session.starts_at):
            proposed = result.assignments.get(seat_id)
            options = [
                found.people[c.person_id]
                for c in found.candidates
                if seat.role in c.seat_roles and seat.session.clinic_id in c.clinics
            ]
            why = result.unfilled.get(seat_id)
            rows.append({"seat": seat, "proposed": proposed, "options": options, "why": why})
        status = SOLVER_STATUS.get(result.status, result.status)
        context.update({"result": result, "rows": rows, "status": status})
    return render(request, "scheduling/suggest_roster.html", context)


def _accept_suggestion(request: AuthenticatedHttpRequest, form: forms.SuggestForm) -> HttpResponse:
    clinics = form.cleaned_data["scope"]
    pairs = []
    for key, value in request.POST.dict().items():
        seat_id, person_id = _row_id(key.removeprefix("seat-")), _row_id(value)
        if not key.startswith("seat-") or seat_id is None or person_id is None:
            continue
        seat = (
            Seat.objects.select_related("session__clinic__community__street")
            .filter(pk=seat_id, session__clinic__in=clinics)
            .first()
        )
        person = User.objects.filter(pk=person_id, is_active=True).first()
        if seat is not None and person is not None:
            pairs.append((seat, person))
    booked, problems = do_accept_suggestion(pairs, actor=request.user)
    messages.success(request, _("%(n)d seats booked.") % {"n": booked})
    for problem in problems:
        messages.warning(request, problem)
    year, month = form.cleaned_data["month"]
    if len(clinics) == 1:
        return redirect("scheduling:month_calendar", slug=clinics[0].slug, year=year, month=month)
    return redirect("scheduling:roster_home")


def _row_id(text: str) -> int | None:
    """A seat's or a person's id as the page sends it; None for anything else (a lookup by a
    value that is no number raised ValueError, a server error)."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 19 else None
