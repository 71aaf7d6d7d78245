"""Duty statements (履职情况): a professional's own, and the coordinator's list of everyone on
the roster of their clinics with the confirm button; PDF and Excel."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.audit import record
from clinic.choices import AuditEvent
from clinic.lib.export import safe_cell
from clinic.lib.pdf import render_pdf
from clinic.models import User
from scheduling import access
from scheduling.actions.statements import (
    FIGURES,
    Period,
    StatementRefused,
    check_period,
    current_period,
    do_confirm_duty_statement,
    duty_figures,
    duty_figures_for,
    roster_people,
)
from scheduling.choices import ROSTER_ROLES
from scheduling.models import DutyStatement


def _period(request: AuthenticatedHttpRequest, data: Any) -> Period | HttpResponse:
    text = data.get("period", "")
    if not text:
        return current_period()
    try:
        return check_period(text)
    except ValueError as wrong:
        return render(
            request,
            "scheduling/statement_refused.html",
            {"message": str(wrong), "back": reverse("scheduling:duty_statements")},
            status=400,
        )


def duty_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Roster managers: everyone on the roster of their clinics, each statement's figures and
    whether it is confirmed. A professional is taken to their own."""
    managed = list(access.managed_clinics(request.user).select_related("community__street"))
    if not managed:
        if clinic_access.has_role(request.user, *ROSTER_ROLES):
            return redirect("scheduling:duty_statement", pk=request.user.pk)
        raise NotPermitted("roster", "", "statements")
    period = _period(request, request.GET)
    if isinstance(period, HttpResponse):
        return period
    confirmed = {
        s.person_id: s
        for s in DutyStatement.objects.filter(period=period.key).select_related("confirmed_by")
    }
    people = roster_people(managed)
    live = duty_figures_for([p for p in people if p.pk not in confirmed], period)
    rows = []
    for person in people:
        statement = confirmed.get(person.pk)
        figures = statement.figures if statement else live[person.pk]
        rows.append(
            {
                "person": person,
                "statement": statement,
                "figures": [figures.get(key, 0) for key in FIGURES],
                "short": figures["hours"] < figures["minimum"],
            }
        )
    return render(
        request,
        "scheduling/duty_statements.html",
        {"period": period, "rows": rows, "labels": list(FIGURES.values())},
    )


def duty_statement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One professional's statement for a month or a quarter: on the page, as PDF or Excel."""
    person, manages = access.access_duty_person(request.user, pk)
    period = _period(request, request.GET)
    if isinstance(period, HttpResponse):
        return period
    statement = DutyStatement.objects.filter(person=person, period=period.key).first()
    figures = statement.figures if statement else duty_figures(person, period)
    context = {
        "person": person,
        "organisation": statement.organisation if statement else person.organisation,
        "period": period,
        "statement": statement,
        "lines": [(label, figures.get(key, 0)) for key, label in FIGURES.items()],
        "short": figures["hours"] < figures["minimum"],
        "manages": manages,
    }
    kind = request.GET.get("format", "")
    if kind in {"pdf", "xlsx"}:
        record(
            AuditEvent.DOWNLOAD,
            request=request,
            obj=person,
            object_type="person",
            detail={"duty_statement": period.key, "format": kind},
        )
        name = _("Duty statement %(person)s %(period)s") % {
            "person": person.display_name,
            "period": period.key,
        }
        if kind == "pdf":
            body = render_pdf("scheduling/duty_statement_pdf.html", context)
            response = HttpResponse(body, content_type="application/pdf")
        else:
            response = HttpResponse(
                _statement_xlsx(person, context),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{kind}"
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "scheduling/duty_statement.html", context)


def _statement_xlsx(person: User, context: dict[str, Any]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  heavy: ~0.3 s, only for Excel

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Duty statement"))
    period: Period = context["period"]
    statement: DutyStatement | None = context["statement"]
    sheet.append([safe_cell(_("Duty statement")), safe_cell(period.label)])
    sheet.append([safe_cell(_("Name")), safe_cell(person.display_name)])
    sheet.append([safe_cell(_("Organisation")), safe_cell(context["organisation"])])
    for label, value in context["lines"]:
        sheet.append([safe_cell(str(label)), value])
    if statement is not None:
        sheet.append(
            [
                safe_cell(_("Confirmed by")),
                safe_cell(
                    f"{statement.confirmed_by.display_name} "
                    f"{statement.confirmed_at.astimezone():%Y-%m-%d %H:%M}"
                ),
            ]
        )
    else:
        sheet.append([safe_cell(_("Not confirmed yet"))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@require_POST
def confirm_duty_statement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator confirms a professional's statement; its figures are frozen."""
    person, manages = access.access_duty_person(request.user, pk)
    if not manages:
        raise NotPermitted("person", pk, "confirm duty statement")
    period = _period(request, request.POST)
    if isinstance(period, HttpResponse):
        return period
    back = reverse("scheduling:duty_statement", args=[person.pk])
    back += "?" + urlencode({"period": period.key})
    try:
        statement = do_confirm_duty_statement(person, period, actor=request.user)
    except StatementRefused as refused:
        return render(
            request,
            "scheduling/statement_refused.html",
            {"message": refused.message, "back": back},
            status=400,
        )
    messages.success(request, _("Confirmed: %(statement)s.") % {"statement": statement})
    return redirect(back)
