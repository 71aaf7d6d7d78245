"""复诊 pages: recording a return visit, planning it in one's calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import access
from cases.choices import (
    Side,
)
from cases.follow_ups.actions import do_record_follow_up, do_schedule_follow_up_visit
from cases.follow_ups.forms import FollowUpForm, FollowUpVisitForm
from cases.pages import form_page, submit
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.lib.masking import mask_phone


def record_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    case = follow_up.case
    if follow_up.done_at is not None:
        raise NotPermitted("follow_up", pk, "record twice")
    if follow_up.assignee_id != request.user.pk and not access.manages(request.user, case):
        raise NotPermitted("follow_up", pk, "record")
    form = FollowUpForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: do_record_follow_up(follow_up, actor=request.user, **data),
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
    return render(
        request,
        "cases/follow_ups/record_follow_up.html",
        {
            "follow_up": follow_up,
            "case": case,
            "form": form,
            "agreement": follow_up.agreement,
            "parties": [
                (p.name, p.get_side_display(), mask_phone(p.phone))
                for p in case.parties.exclude(side=Side.AGENT)
            ],
        },
        status=submitted.status,
    )


def schedule_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    if follow_up.assignee_id != request.user.pk or follow_up.done_at is not None:
        raise NotPermitted("follow_up", pk, "schedule")
    form = FollowUpVisitForm(request.POST or None)

    def plan(data: dict[str, Any]) -> None:
        do_schedule_follow_up_visit(
            follow_up,
            actor=request.user,
            starts_at=data["starts_at"],
            ends_at=data["starts_at"] + timedelta(hours=float(data["hours"])),
            place=data["place"],
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
