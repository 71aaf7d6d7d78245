"""复诊 pages: recording a return visit, planning it in one's calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.choices import (
    Side,
)
from cases.follow_ups.actions import do_record_follow_up, do_schedule_follow_up_visit
from cases.follow_ups.forms import FollowUpForm, FollowUpVisitForm
from cases.models import FollowUp, Party
from cases.pages import form_page, submit
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.lib.masking import mask_phone


def record_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    case = follow_up.case
    if follow_up.cancelled_at is not None and request.method != "POST":
        raise NotPermitted("follow_up", pk, "record cancelled")  # the case was reopened
    if follow_up.done_at is not None and request.method != "POST":
        # sent from a page shown before it was recorded, the form is answered 409, with what
        # the other person recorded
        raise NotPermitted("follow_up", pk, "record twice")
    if follow_up.assignee_id != request.user.pk and not access.manages(request.user, case):
        raise NotPermitted("follow_up", pk, "record")
    form = FollowUpForm(request.POST or None, record=follow_up)
    submitted = submit(
        request,
        form,
        lambda data: do_record_follow_up(
            follow_up,
            actor=request.user,
            method=data["method"],
            performance=data["performance"],
            satisfaction=data["satisfaction"],
            findings=data["findings"],
            new_risk=data["new_risk"],
            setbacks=data["setbacks"],
            setback_note=data["setback_note"],
            claim=form.claim,
        ),
    )
    if submitted:
        successor = submitted.result
        if successor is None:
            messages.success(request, _("Recorded: the agreement was performed."))
        else:
            messages.warning(
                request,
                _("Recorded, with urging. The next follow-up is due on %(day)s.")
                % {"day": successor.due_on},
            )
        if access.may_see(request.user, case):
            return redirect(case)
        return redirect("clinic:home")
    return _record_page(request, follow_up, form, status=submitted.status)


@require_POST
def reveal_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The phones of this follow-up's parties in full, to call them: for its assignee and
    those who may reveal the case's personal data; each party's reveal is audited, as on the
    case page."""
    follow_up = access.access_follow_up(request.user, pk)
    case = follow_up.case
    if not follow_up.is_pending:
        raise NotPermitted("follow_up", pk, "reveal")
    if follow_up.assignee_id != request.user.pk and not access.may_see_personal_data(
        request.user, case
    ):
        raise NotPermitted("follow_up", pk, "reveal")
    parties = _contacts(follow_up)
    for party in parties:
        if party.phone:
            audit(
                AuditEvent.REVEAL,
                request=request,
                obj=party,
                detail={"case": case.pk, "follow_up": follow_up.pk},
            )
    form = FollowUpForm(record=follow_up)
    return _record_page(request, follow_up, form, parties=parties, revealed=True)


def _contacts(follow_up: FollowUp) -> list[Party]:
    """The people to visit or call: the parties and their guardians (not their agents)."""
    return list(follow_up.case.parties.exclude(side=Side.AGENT))


def _record_page(
    request: AuthenticatedHttpRequest,
    follow_up: FollowUp,
    form: FollowUpForm,
    *,
    status: int = 200,
    parties: list[Party] | None = None,
    revealed: bool = False,
) -> HttpResponse:
    """The follow-up as its visitor needs it: whom to see and where (phones masked until
    revealed), the item it checks, the agreed terms, and the form."""
    shown = []
    for party in _contacts(follow_up) if parties is None else parties:
        room = f" {party.room}" if revealed and party.room else ""
        shown.append(
            {
                "name": party.name,
                "side": party.get_side_display(),
                "address": party.address + room,
                "phone": party.phone if revealed else mask_phone(party.phone),
                "tel": party.phone if revealed else "",
            }
        )
    return render(
        request,
        "cases/follow_ups/record_follow_up.html",
        {
            "follow_up": follow_up,
            "case": follow_up.case,
            "form": form,
            "agreement": follow_up.agreement,
            "item": follow_up.performance_item,
            "parties": shown,
            "revealed": revealed,
            "has_phones": any(party["phone"] for party in shown),
        },
        status=status,
    )


def schedule_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    if follow_up.assignee_id != request.user.pk or follow_up.done_at is not None:
        raise NotPermitted("follow_up", pk, "schedule")
    form = FollowUpVisitForm(request.POST or None, record=follow_up)

    def plan(data: dict[str, Any]) -> None:
        do_schedule_follow_up_visit(
            follow_up,
            actor=request.user,
            starts_at=data["starts_at"],
            ends_at=data["starts_at"] + timedelta(hours=float(data["hours"])),
            place=data["place"],
            claim=form.claim,
        )

    if submitted := submit(request, form, plan):
        messages.success(request, _("The visit is in your calendar."))
        return redirect("cases:record_follow_up", pk=pk)
    return form_page(
        request,
        None,
        form,
        title=_("Plan the follow-up visit"),
        submit=_("Plan"),
        status=submitted.status,
    )
