"""纠纷细类 pages: the district admin's list of dispute subtypes, adding, editing and no longer
offering one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.choices import DisputeType
from cases.models import DisputeSubtype
from cases.pages import form_page, submit
from cases.subtypes.access import access_dispute_subtype, access_subtype_list
from cases.subtypes.actions import (
    do_add_dispute_subtype,
    do_deactivate_dispute_subtype,
    do_edit_dispute_subtype,
)
from cases.subtypes.forms import DisputeSubtypeForm
from clinic.access import AuthenticatedHttpRequest


def dispute_subtypes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every subtype under its official type, with how many cases carry it, and a form to
    add one."""
    access_subtype_list(request.user)
    form = DisputeSubtypeForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: do_add_dispute_subtype(actor=request.user, data=data, request=request),
    )
    if submitted:
        messages.success(request, _("The subtype was added."))
        return redirect("cases:dispute_subtypes")
    subtypes = DisputeSubtype.objects.annotate(used=Count("cases"))
    groups: dict[str, list[DisputeSubtype]] = {}
    for subtype in subtypes:
        groups.setdefault(subtype.dispute_type, []).append(subtype)
    return render(
        request,
        "cases/subtypes/dispute_subtypes.html",
        {
            "groups": [
                (label, groups[value]) for value, label in DisputeType.choices if value in groups
            ],
            "form": form,
        },
        status=submitted.status,
    )


def edit_dispute_subtype(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subtype = access_dispute_subtype(request.user, pk)
    form = DisputeSubtypeForm(request.POST or None, instance=subtype)

    def save(data: dict[str, Any]) -> list[str]:
        return do_edit_dispute_subtype(
            subtype, actor=request.user, data=data, request=request, claim=form.claim
        )

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect("cases:dispute_subtypes")
    return form_page(
        request,
        None,
        form,
        title=_("Edit the subtype %(name)s") % {"name": subtype.name},
        submit=_("Save"),
        status=submitted.status,
    )


@require_POST
def deactivate_dispute_subtype(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subtype = access_dispute_subtype(request.user, pk)
    do_deactivate_dispute_subtype(subtype, actor=request.user, request=request)
    messages.success(
        request,
        _("“%(name)s” is no longer offered; the cases that carry it keep it.")
        % {"name": subtype.name},
    )
    return redirect("cases:dispute_subtypes")
