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
from clinic.notify.backends import sms_enabled
from scheduling import access, forms
from scheduling.actions.suggestions import RosterSuggestion, do_accept_suggestion, suggestion_for
from scheduling.choices import SeatRole
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
    context: dict[str, Any] = {"form": form, "no_sms": not sms_enabled()}
    if request.method == "POST":
        form = forms.SuggestForm(request.POST, clinics=managed, streets=streets)
        if form.is_valid():
            return _accept_suggestion(request, form)
        context["form"] = form
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
                if seat.role in c.seat_roles
                and seat.session.clinic_id in c.clinics
                and seat_id not in c.cancelled
            ]
            why = result.unfilled.get(seat_id)
            reason = unfilled_reason(*why) if why else ""
            rows.append({"seat": seat, "proposed": proposed, "options": options, "why": reason})
        status = SOLVER_STATUS.get(result.status, SOLVER_STATUS["unknown"])
        context.update(
            {
                "result": result,
                "rows": rows,
                "status": status,
                "summary": feasibility_summary(found),
            }
        )
    # a month or a scope that is no choice (sent or asked for) is answered with its errors
    answer = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "scheduling/suggest_roster.html", context, status=answer)


def unfilled_reason(reason: str, count: int) -> str:
    """Why a seat stays empty, in the coordinator's words."""
    if reason == "no_one":
        return _("Nobody of this role serves this clinic.")
    if reason == "cancelled":
        return _("Everyone of this role who serves here (%(n)d) cancelled this seat.") % {
            "n": count
        }
    if reason == "busy":
        return _("All %(n)d who could sit are on leave, busy or on another seat then.") % {
            "n": count
        }
    if reason == "full":
        return _("The %(n)d who are free have reached their monthly maximum of shifts.") % {
            "n": count
        }
    return _("%(n)d could still sit here: choose one by hand.") % {"n": count}


def feasibility_summary(found: RosterSuggestion) -> list[str]:
    """What would fill every seat, one sentence per role and reason; empty when the
    suggestion fills them all."""
    from scheduling.solver import SeatSlot, needs  # noqa: PLC0415  heavy: loads OR-Tools

    slots = [
        SeatSlot(
            seat.pk, seat.session.clinic_id, seat.role, seat.session.starts_at, seat.session.ends_at
        )
        for seat in found.seats.values()
    ]
    lines = []
    for need in needs(found.result.unfilled, slots, found.candidates):
        values = {
            "people": need.people,
            "role": SeatRole(need.role).label,
            "shifts": need.shifts,
            "seats": need.seats,
        }
        if need.reason == "busy":
            lines.append(
                _(
                    "%(seats)d seats stay empty because everyone is busy: %(people)d more "
                    "%(role)s free at those times, able to take %(shifts)d shifts a month, would "
                    "fill them."
                )
                % values
            )
        elif need.reason == "full":
            lines.append(
                _(
                    "%(seats)d seats stay empty because everyone has reached the monthly "
                    "maximum: %(people)d more %(role)s able to take %(shifts)d shifts a month "
                    "would fill them."
                )
                % values
            )
        else:
            lines.append(
                _(
                    "%(seats)d seats have nobody who can sit them: %(people)d more %(role)s "
                    "serving this clinic, able to take %(shifts)d shifts a month, would fill them."
                )
                % values
            )
    open_by_hand = sum(1 for why, _n in found.result.unfilled.values() if why == "open")
    if open_by_hand:
        lines.append(
            _("%(n)d seats can still be filled by choosing someone below.") % {"n": open_by_hand}
        )
    return lines


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
