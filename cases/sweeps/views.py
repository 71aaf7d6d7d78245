"""排查 pages: a sweep recorded from a phone, its page where the disputes found are added, what
each became, and the ledger (台账) for the community, the street and the district."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import access as case_access
from cases.models import Case, Sweep, SweepFinding, VisitRequest
from cases.pages import form_page, submit
from cases.sweeps import access
from cases.sweeps.actions import (
    do_add_finding,
    do_link_finding,
    do_record_sweep,
    do_update_finding,
    do_update_sweep,
)
from cases.sweeps.forms import (
    FindingEditForm,
    FindingForm,
    LedgerFilterForm,
    LinkFindingForm,
    SweepEditForm,
    SweepForm,
)
from clinic.access import AuthenticatedHttpRequest, NotPermitted, has_role
from clinic.choices import Role


def sweep_ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The ledger of the user's scope, newest first, filtered by community, month and kind,
    with the filtered totals (排查次数, 走访户数, 发现纠纷, 预防纠纷)."""
    if not access.may_see_ledger(request.user):
        raise NotPermitted("sweep", "", "ledger")
    communities = access.ledger_communities(request.user)
    filters = LedgerFilterForm(request.GET or None, communities=communities)
    sweeps = Sweep.objects.filter(access.sweep_scope(request.user))
    if filters.is_valid():
        chosen = filters.cleaned_data
        if chosen["community"]:
            sweeps = sweeps.filter(community_id=chosen["community"])
        if chosen["month"]:
            year, month = (int(part) for part in chosen["month"].split("-"))
            sweeps = sweeps.filter(day__year=year, day__month=month)
        if chosen["kind"]:
            sweeps = sweeps.filter(kind=chosen["kind"])
    totals = sweeps.aggregate(sweeps=Count("pk"), households=Sum("households"))
    totals |= SweepFinding.objects.filter(sweep__in=sweeps).aggregate(
        found=Count("pk"), prevented=Count("pk", filter=Q(prevented=True))
    )
    page = Paginator(sweeps.for_ledger(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/sweeps/sweep_ledger.html",
        {
            "page": page,
            "filters": filters,
            "totals": totals,
            "may_record": access.may_record_sweeps(request.user),
        },
        status=200 if not filters.is_bound or filters.is_valid() else 400,
    )


def record_sweep(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A grid worker, on a phone: the grid, today and "scheduled" are chosen already; what was
    swept and the households visited are typed; then the disputes found, on the sweep's page."""
    if not access.may_record_sweeps(request.user):
        raise NotPermitted("sweep", "", "record")
    form = SweepForm(
        request.POST or None,
        grids=access.recording_grids(request.user),
        communities=access.recording_communities(request.user),
        who=request.user.display_name or request.user.get_username(),
    )
    submitted = submit(request, form, lambda data: do_record_sweep(actor=request.user, **data))
    if submitted:
        messages.success(request, _("Sweep recorded. Add the disputes it found, if any."))
        return redirect(submitted.result)
    return render(
        request, "cases/sweeps/record_sweep.html", {"form": form}, status=submitted.status
    )


def _detail(
    request: AuthenticatedHttpRequest, sweep: Sweep, form: FindingForm | None, status: int = 200
) -> HttpResponse:
    # each finding with the case it became: linked itself, or registered since by its visit
    findings = [
        (f, f.case or (f.visit.case if f.visit else None))
        for f in sweep.findings.select_related("visit__case", "case")
    ]
    visit_ids = [f.visit_id for f, _case in findings if f.visit_id]
    case_ids = [case.pk for _f, case in findings if case is not None]
    seen_visits = set(
        VisitRequest.objects.filter(case_access.visit_scope(request.user), pk__in=visit_ids)
        .values_list("pk", flat=True)
        .distinct()
        if visit_ids
        else []
    )
    seen_cases = set(
        Case.objects.filter(case_access.case_scope(request.user), pk__in=case_ids).values_list(
            "pk", flat=True
        )
        if case_ids
        else []
    )
    may_record = access.may_record(request.user, sweep)
    return render(
        request,
        "cases/sweeps/sweep_detail.html",
        {
            "sweep": sweep,
            "findings": findings,
            "seen_visits": seen_visits,
            "seen_cases": seen_cases,
            "may_record": may_record,
            "may_request_visit": may_record and has_role(request.user, Role.GRID_WORKER),
            "form": form if may_record else None,
        },
        status=status,
    )


def sweep_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sweep = access.access_sweep(request.user, pk)
    return _detail(request, sweep, FindingForm())


def add_finding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A dispute the sweep found, added on the sweep's page (which shows again, ready for the
    next one)."""
    sweep = access.access_sweep(request.user, pk, write=True)
    if request.method != "POST":
        return redirect(sweep)
    form = FindingForm(request.POST)
    submitted = submit(
        request, form, lambda data: do_add_finding(sweep, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("Dispute added."))
        return redirect(f"{sweep.get_absolute_url()}#findings")
    return _detail(request, sweep, form, status=submitted.status)


def edit_sweep(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sweep = access.access_sweep(request.user, pk, write=True)
    form = SweepEditForm(
        request.POST or None,
        record=sweep,
        initial={
            "day": sweep.day,
            "kind": sweep.kind,
            "scope": sweep.scope,
            "households": sweep.households,
            "participants": sweep.participants,
        },
    )
    submitted = submit(
        request,
        form,
        lambda data: do_update_sweep(sweep, actor=request.user, claim=form.claim, **data),
    )
    if submitted:
        messages.success(request, _("Sweep corrected."))
        return redirect(sweep)
    return form_page(
        request,
        None,
        form,
        title=_("Correct the sweep"),
        submit=_("Save"),
        status=submitted.status,
    )


def edit_finding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A finding corrected, or marked 预防 with what was done."""
    finding = access.access_finding(request.user, pk, write=True)
    form = FindingEditForm(
        request.POST or None,
        record=finding,
        initial={
            "description": finding.description,
            "persons": finding.persons,
            "prevented": finding.prevented,
            "prevention_note": finding.prevention_note,
        },
    )

    def save(data: dict) -> SweepFinding:
        return do_update_finding(
            finding,
            actor=request.user,
            description=data["description"],
            persons=data["persons"],
            prevented=data["prevented"],
            prevention_note=data["prevention_note"],
            claim=form.claim,
        )

    submitted = submit(request, form, save)
    if submitted:
        messages.success(request, _("Dispute corrected."))
        return redirect(f"{finding.sweep.get_absolute_url()}#findings")
    return form_page(
        request,
        None,
        form,
        title=_("Correct the dispute found"),
        submit=_("Save"),
        status=submitted.status,
    )


def link_finding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What a finding became, by number: a home-visit request or a case of the sweep's
    community."""
    finding = access.access_finding(request.user, pk, write=True)
    community = finding.sweep.community_id
    form = LinkFindingForm(
        request.POST or None,
        # only requests the user sees: another grid worker's stays theirs
        visits=VisitRequest.objects.filter(
            case_access.visit_scope(request.user), community_id=community
        ).distinct(),
        cases=Case.objects.filter(community_id=community),
    )
    submitted = submit(
        request,
        form,
        lambda data: do_link_finding(
            finding, actor=request.user, visit=data["visit"], case=data["case"]
        ),
    )
    if submitted:
        messages.success(request, _("Linked."))
        return redirect(f"{finding.sweep.get_absolute_url()}#findings")
    return form_page(
        request,
        None,
        form,
        title=_("Link a home-visit request or a case"),
        intro=finding.description,
        submit=_("Link"),
        status=submitted.status,
    )
