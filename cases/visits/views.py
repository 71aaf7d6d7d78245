"""巡诊 pages: the grid worker's request from a phone, the coordinator's board, scheduling,
cancelling and the outcome recorded at the door."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import (
    When,
)
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from cases import access
from cases.choices import (
    RISK_ORDER,
    VisitStatus,
)
from cases.models import Case, VisitPhoto, VisitRequest
from cases.pages import form_page, private_file, submit
from cases.people import my_grids
from cases.sweeps import access as sweep_access
from cases.sweeps.actions import do_link_finding
from cases.visits.actions import (
    do_cancel_visit,
    do_merge_visit_request,
    do_record_visit_outcome,
    do_request_visit,
    do_schedule_visit,
)
from cases.visits.forms import (
    CancelVisitForm,
    ScheduleVisitForm,
    SimilarRequestForm,
    VisitOutcomeForm,
    VisitRequestForm,
)
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.lib.masking import mask_phone
from clinic.models import User
from clinic.notify.backends import sms_enabled
from scheduling.actions import busy_periods


@sensitive_post_parameters("resident_name", "resident_phone", "address", "room")
def request_visit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A grid worker, on a phone, asks for a home visit in under two minutes. A request like
    an open one of the last 24 hours in the same grid (the same phone, or the same name and
    building) comes back as "可能重复" (409): they add it to that one, or send it all the
    same, which is noted on the new request. Asked from a dispute a sweep found
    (``?finding=``), the form starts from it and the request is linked to it."""
    grids = my_grids(request.user)
    if not grids.exists():
        raise NotPermitted("visit", "", "request")
    finding = sweep_access.finding_for_visit(request.user, request.GET.get("finding"))
    form = VisitRequestForm(
        request.POST or None,
        request.FILES or None,
        grids=grids,
        initial=sweep_access.visit_initial(finding),
    )
    answer = SimilarRequestForm(request.POST or None)
    similar: list[VisitRequest] = []
    merge_into: VisitRequest | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        similar = VisitRequest.objects.similar_to(
            grid=data["grid"],
            resident_name=data["resident_name"],
            resident_phone=data["resident_phone"],
            address=data["address"],
        )
        chosen = answer.cleaned_data if answer.is_valid() else {}
        merge_into = next((v for v in similar if v.pk == chosen.get("merge_into")), None)
        if similar and merge_into is None and not chosen.get("distinct"):
            seen = VisitRequest.objects.filter(
                access.visit_scope(request.user), pk__in=[v.pk for v in similar]
            )
            context = {
                "form": form,
                "similar": similar,
                "visible": set(seen.values_list("pk", flat=True)),
            }
            return render(request, "cases/visits/request_visit.html", context, status=409)

    def make(data: dict[str, Any]) -> VisitRequest:
        fields = dict(data)
        photos = fields.pop("photos")
        fields["risk"] = fields["risk"] or ""
        if merge_into is not None:
            do_merge_visit_request(merge_into, actor=request.user, photos=photos, **fields)
            return merge_into
        return do_request_visit(actor=request.user, photos=photos, distinct_from=similar, **fields)

    def send(data: dict[str, Any]) -> VisitRequest:
        with transaction.atomic():
            visit = make(data)
            if finding is not None:
                do_link_finding(finding, actor=request.user, visit=visit)
        return visit

    if submitted := submit(request, form, send):
        reference = submitted.result.reference
        if merge_into is not None:
            messages.success(
                request,
                _("Added to %(reference)s, already requested for this resident.")
                % {"reference": reference},
            )
        else:
            messages.success(
                request, _("Sent. Your reference is %(reference)s.") % {"reference": reference}
            )
        if finding is not None:
            return redirect(f"{finding.sweep.get_absolute_url()}#findings")
        return redirect("cases:my_visits")
    return render(
        request, "cases/visits/request_visit.html", {"form": form}, status=submitted.status
    )


def my_visits(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not my_grids(request.user).exists():
        raise NotPermitted("visit", "", "mine")
    visits = VisitRequest.objects.filter(requested_by=request.user).select_related("grid")
    page = Paginator(visits, 20).get_page(request.GET.get("page"))
    return render(request, "cases/visits/my_visits.html", {"page": page})


def visit_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's triage board: open requests by urgency, then age."""
    if not access.may_triage(request.user):
        raise NotPermitted("visit", "", "triage")
    waiting = SqlCase(When(status=VisitStatus.SUBMITTED, then=0), default=1)
    urgency = SqlCase(*(When(risk=r, then=n) for r, n in RISK_ORDER.items()), default=9)
    visits = (
        VisitRequest.objects.filter(access.visit_scope(request.user))
        .filter(status__in=[VisitStatus.SUBMITTED, VisitStatus.SCHEDULED])
        .for_board()
        .distinct()
        .order_by(waiting, urgency, "created_at", "pk")
    )
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    recent = (
        VisitRequest.objects.filter(access.visit_scope(request.user))
        .filter(status__in=[VisitStatus.VISITED, VisitStatus.CANCELLED])
        .select_related("grid", "requested_by")
        .distinct()[:10]
    )
    return render(
        request,
        "cases/visits/visit_board.html",
        {"visits": page.object_list, "page": page, "recent": recent},
    )


def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = access.access_visit(request.user, pk)
    triage = access.may_triage(request.user, visit)
    visiting = access.is_visiting(request.user, visit)
    own = visit.requested_by_id == request.user.pk
    show_phone = triage or visiting
    if show_phone and visit.resident_phone:
        audit(AuditEvent.VIEW, request=request, obj=visit, detail={"resident_phone": True})
    return render(
        request,
        "cases/visits/visit_detail.html",
        {
            "visit": visit,
            "triage": triage,
            "visiting": visiting,
            "own": own,
            "phone": visit.resident_phone if show_phone else mask_phone(visit.resident_phone),
            "assignees": visit.assignees.select_related("user"),
            "photos": visit.photos.all(),
            "notes": visit.notes.select_related("author", "other"),
            "case_visible": visit.case is not None and access.may_see(request.user, visit.case),
        },
    )


def schedule_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose professionals and a time; who is busy then is shown, and a clash refused."""

    visit = access.access_visit(request.user, pk, triage=True)
    if visit.status not in (VisitStatus.SUBMITTED, VisitStatus.SCHEDULED):
        raise NotPermitted("visit", pk, "schedule")
    form = ScheduleVisitForm(
        request.POST or request.GET or None,
        record=visit,
        community=visit.community,
        initial={"place": f"{visit.address} {visit.room}".strip()},
    )
    busy: list[tuple[str, list]] = []
    if form.is_bound and form.is_valid() and "starts_at" in form.cleaned_data:
        people = {int(v.split(":")[0]): label for v, label in form.people}
        day_start = form.cleaned_data["starts_at"].replace(hour=0, minute=0)
        found = busy_periods(
            list(User.objects.filter(pk__in=people)), day_start, day_start + timedelta(days=1)
        )
        busy = [(people[pid], items) for pid, items in found.items() if items]

    def schedule(data: dict[str, Any]) -> None:
        do_schedule_visit(
            visit,
            actor=request.user,
            professionals=data["chosen"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            claim=form.claim,
        )

    if submitted := submit(request, form, schedule):
        messages.success(request, _("The visit was scheduled; everyone was told."))
        if not sms_enabled():
            visitors = "、".join(str(user) for user, _role in form.cleaned_data["chosen"])
            messages.warning(
                request,
                _("No SMS in this deployment: tell %(person)s by phone.") % {"person": visitors},
            )
        return redirect("cases:visit_board")
    return render(
        request,
        "cases/visits/schedule_visit.html",
        {"visit": visit, "form": form, "busy": busy, "no_sms": not sms_enabled()},
        status=submitted.status,
    )


def cancel_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = access.access_visit(request.user, pk)
    if visit.requested_by_id != request.user.pk and not access.may_triage(request.user, visit):
        raise NotPermitted("visit", pk, "cancel")
    form = CancelVisitForm(request.POST or None, record=visit)
    submitted = submit(
        request,
        form,
        lambda data: do_cancel_visit(
            visit, actor=request.user, reason=data["note"], claim=form.claim
        ),
    )
    if submitted:
        messages.success(request, _("The request was cancelled."))
        return redirect(visit)
    return form_page(
        request,
        None,
        form,
        title=_("Cancel %(ref)s") % {"ref": visit},
        submit=_("Cancel it"),
        status=submitted.status,
    )


@sensitive_post_parameters("respondent_name", "respondent_phone")
def visit_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The visiting professional records the outcome, on a phone, at the door."""
    visit = access.access_visit(request.user, pk)
    if not access.is_visiting(request.user, visit):
        raise NotPermitted("visit", pk, "outcome")
    if request.method == "GET" and visit.status != VisitStatus.SCHEDULED:
        messages.warning(request, _("The outcome of this visit is already recorded."))
        return redirect(visit)
    form = VisitOutcomeForm(
        request.POST or None,
        record=visit,
        initial={"visited_at": min(visit.visit_starts_at or timezone.now(), timezone.now())},
    )

    def record(data: dict[str, Any]) -> Case:
        respondent = None
        if data["respondent_name"]:
            respondent = {"name": data["respondent_name"], "phone": data["respondent_phone"]}
        return do_record_visit_outcome(
            visit,
            actor=request.user,
            outcome=data["outcome"],
            note=data["note"],
            answer=data["answer"],
            respondent=respondent,
            consents=(data["applicant_consented"], data["respondent_consented"]),
            agreement_terms=data["agreement_terms"],
            visited_at=data["visited_at"],
            claim=form.claim,
        )

    if submitted := submit(request, form, record):
        messages.success(request, _("Recorded."))
        return redirect(submitted.result)
    return render(
        request,
        "cases/visits/visit_outcome.html",
        {"visit": visit, "form": form},
        status=submitted.status,
    )


def visit_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    photo = VisitPhoto.objects.filter(pk=pk).only("request_id").first()
    if photo is None:
        raise NotVisible("photo", pk)
    access.access_visit(request.user, photo.request_id)
    photo = VisitPhoto.objects.get(pk=pk)
    return private_file(photo.file.open("rb"), content_type=photo.content_type)
