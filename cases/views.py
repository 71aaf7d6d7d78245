"""The case itself: the list, the detail page, editing, assignment and the transition pages.

``TRANSITIONS`` names each transition's form and action; the workflows' own pages live in
their packages (``cases/<workflow>/views.py``)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.actions import (
    do_assign_mediator,
    do_assign_professional,
    do_reassign_open_work,
    do_recuse_mediator,
    do_unassign_professional,
    do_update_case,
)
from cases.changes import ActionRefused, StaleCase, unmet_conditions
from cases.choices import (
    OPEN_STATES,
    Difficulty,
    DisputeType,
    Kind,
    Level,
    Risk,
    Side,
    State,
)
from cases.forms import (
    AssignMediatorForm,
    AssignProfessionalForm,
    CaseEditForm,
    ReassignForm,
    RecuseForm,
    StepAsideForm,
)
from cases.models import Case, FollowUp, Party
from cases.pages import case_detail_page, form_page, submit
from cases.people import eligible_mediators, grid_workers
from cases.selectors import (
    PAGE_SIZES,
    NewestFirst,
    detail_queryset,
    filter_options,
    list_communities,
    list_rows,
    row_values,
    street_side,
)
from cases.transitions import TRANSITIONS
from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.choices import Role
from clinic.models import User

#: The case list's filter value for the cases not graded yet (``Case.difficulty`` blank).
UNGRADED = "none"


def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Cases the viewer may see, filtered and searchable, 25 (or 50, 100) a page."""
    user = request.user
    if not any(role != Role.GRID_WORKER for role in clinic_access.roles(user)):
        raise NotPermitted("cases", "", "list")
    params = request.GET
    qs = Case.objects.all()
    state = params.get("state", "")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in State.values:
        qs = qs.filter(state=state)
    kind = params.get("kind", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    dispute_type = params.get("type", "")
    if dispute_type in DisputeType.values:
        qs = qs.filter(dispute_type=dispute_type)
    risk = params.get("risk", "")
    if risk in {r for r in Risk.values if r}:
        qs = qs.filter(risk=risk)
    difficulty = params.get("difficulty", "")
    if difficulty in Difficulty.values:
        qs = qs.filter(difficulty=difficulty)
    elif difficulty == UNGRADED:
        qs = qs.filter(difficulty="")
    communities = list_communities(user)
    community = params.get("community", "")
    if community.isdigit():
        qs = qs.filter(community_id=int(community))
    if params.get("overdue"):
        qs = qs.overdue()
    if params.get("mine"):
        qs = qs.filter(
            Q(mediator=user)
            | Q(pk__in=access.granted_cases(user, "advise_case"))
            | Exists(FollowUp.objects.pending().filter(case=OuterRef("pk"), assignee=user))
        )
    query = params.get("q", "").strip()[:60]
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Exists(Party.objects.filter(case=OuterRef("pk"), name__icontains=query))
        )
    size = int(params["size"] if params.get("size") in PAGE_SIZES else PAGE_SIZES[0])
    number = params.get("page", "")
    # The page asked for, read with the count when the paginator takes it as it is.
    asked = int(number) if number.isdecimal() and len(number) < 7 else 1
    first = (max(asked, 1) - 1) * size
    expected = slice(first, first + size)
    parts, many_grants = access.case_scope_parts(user)
    cases = NewestFirst(qs, parts, row_values, expected, ahead=many_grants)
    # The paginator reads only count() and a slice (a list of rows) of NewestFirst.
    paginator: Paginator[dict[str, Any]] = Paginator(cases, size)  # type: ignore[arg-type]
    page = paginator.get_page(number)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": list_rows(cast(list[dict[str, Any]], page.object_list), street_side(user)),
            "params": params,
            "states": filter_options(State, state),
            "types": filter_options(DisputeType, dispute_type),
            "risks": [option for option in filter_options(Risk, risk) if option[0]],
            "difficulties": filter_options(Difficulty, difficulty),
            "communities": communities,
            "may_register": access.may_register(user),
            "sizes": PAGE_SIZES,
        },
    )


def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    case = detail_queryset().get(pk=case.pk)
    return case_detail_page(request, case)


EDITABLE = [
    "source",
    "dispute_type",
    "dispute_subtype",
    "summary",
    "risk",
    "amount_involved",
    "persons_involved",
    "prevented_criminal",
    "prevented_criminal_persons",
    "prevented_petition",
    "prevented_petition_persons",
    "prevented_suicide",
    "prevented_suicide_persons",
    "prevented_fight",
    "prevented_fight_persons",
    "prevented_incident",
    "prevented_incident_persons",
    "difficulty",
    "grid",
]


def edit_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    initial = {field: getattr(case, field) for field in EDITABLE} | {"version": case.version}
    form = CaseEditForm(request.POST or None, initial=initial, community=case.community)

    def save(data: dict[str, Any]) -> None:
        changes = {f: data[f] for f in EDITABLE}
        changes["risk"] = changes["risk"] or ""
        do_update_case(case, actor=request.user, version=data["version"], changes=changes)

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect(case)
    return render(
        request, "cases/edit_case.html", {"case": case, "form": form}, status=submitted.status
    )


def fire_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    """One page per transition: its form, and on POST the action behind it."""
    if name not in TRANSITIONS:
        raise NotVisible("transition", name)
    form_class, action, label, intro = TRANSITIONS[name]
    case = access.access_case(request.user, pk)
    case = detail_queryset().get(pk=case.pk)
    possible = case.declared(name) is not None
    if possible and not case.permits(name, request.user):
        raise NotPermitted("case", pk, name)
    if request.method == "GET" and not possible:
        messages.warning(request, unmet_conditions(case, name)[0])
        return redirect(case)
    extra: dict[str, Any] = {"community": case.community} if name == "convene" else {}
    if name == "settle":
        extra["grid_workers"] = grid_workers(case)
    form = form_class(request.POST or None, initial={"version": case.version}, **extra)

    def fire(data: dict[str, Any]) -> None:
        if data["version"] != case.version:
            raise StaleCase
        if not possible:
            raise ActionRefused(unmet_conditions(case, name))
        try:
            action(case, actor=request.user, **data)
        except PermissionDenied:
            raise NotPermitted("case", pk, name) from None

    if submitted := submit(request, form, fire):
        messages.success(request, _("Done: %(step)s.") % {"step": label})
        return redirect(case)
    reasons = unmet_conditions(case, name, before_form=True) if request.method == "GET" else []
    return render(
        request,
        "cases/fire_transition.html",
        {
            "case": case,
            "form": form,
            "title": label,
            "intro": intro,
            "reasons": reasons,
            "danger": name in {"decline", "terminate"},
        },
        status=submitted.status,
    )


def assign_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose the mediator and the professionals who advise."""
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case):
        raise NotPermitted("case", pk, "assign")
    mediator_form = AssignMediatorForm(
        request.POST if "mediator" in request.POST else None,
        mediators=eligible_mediators(case),
        initial={"mediator": case.mediator},
    )
    professional_form = AssignProfessionalForm(
        request.POST if "professional" in request.POST else None, community=case.community
    )
    if request.method == "POST":
        if mediator_form.is_bound and mediator_form.is_valid():
            do_assign_mediator(
                case, actor=request.user, mediator=mediator_form.cleaned_data["mediator"]
            )
            messages.success(request, _("The mediator was assigned."))
            return redirect("cases:assign_case", pk=case.pk)
        if professional_form.is_bound and professional_form.is_valid():
            professional, role = professional_form.cleaned_data["professional"]
            do_assign_professional(case, actor=request.user, professional=professional, role=role)
            messages.success(request, _("The professional was asked to advise."))
            return redirect("cases:assign_case", pk=case.pk)
    advising = User.objects.filter(
        caseuserobjectpermission__content_object=case,
        caseuserobjectpermission__permission__codename="advise_case",
    ).distinct()
    return render(
        request,
        "cases/assign_case.html",
        {
            "case": case,
            "mediator_form": mediator_form,
            "professional_form": professional_form,
            "advising": advising,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def remove_professional(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case):
        raise NotPermitted("case", pk, "assign")
    professional = User.objects.filter(pk=user_pk).first()
    if professional is None:
        raise NotVisible("person", user_pk)
    do_unassign_professional(case, actor=request.user, professional=professional)
    messages.success(
        request, _("%(name)s no longer advises on this case.") % {"name": professional}
    )
    return redirect("cases:assign_case", pk=case.pk)


def recuse_mediator(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A party objects to the mediator (回避): record it and hand the case to another mediator
    of the same committee, or, when there is none, to the street committee."""
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case) or not case.is_open:
        raise NotPermitted("case", pk, "recuse")
    form = RecuseForm(
        request.POST or None,
        initial={"version": case.version},
        parties=case.parties.exclude(side__in=[Side.AGENT, Side.GUARDIAN]),
        mediators=eligible_mediators(case).exclude(pk=case.mediator_id or 0),
        may_escalate=_may_escalate(case),
    )
    submitted = submit(
        request, form, lambda data: do_recuse_mediator(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The mediator stepped aside; the case was handed on."))
        return redirect(case)
    intro = ""
    if not form.fields["hand_to"].choices:  # type: ignore[attr-defined]  # a ChoiceField
        intro = _(
            "This committee has no other mediator and the case cannot go further up here: "
            "assign a mediator of the committee first."
        )
    return form_page(
        request,
        case,
        form,
        title=_("A party objects to the mediator"),
        submit=_("Hand the case on"),
        intro=intro,
        status=submitted.status,
    )


def _may_escalate(case: Case) -> bool:
    return case.level == Level.COMMUNITY and case.kind == Kind.DISPUTE


def step_aside(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case's own mediator steps aside (自行回避), with a reason; the coordinator is told
    and assigns another."""
    case = access.access_case(request.user, pk)
    if case.mediator_id != request.user.pk or not case.is_open:
        raise NotPermitted("case", pk, "step_aside")
    # With no other mediator in the committee, stepping aside sends the case up the street.
    to_street = _may_escalate(case) and not eligible_mediators(case).exclude(pk=request.user.pk)
    form = StepAsideForm(request.POST or None, initial={"version": case.version})
    submitted = submit(
        request,
        form,
        lambda data: do_recuse_mediator(case, actor=request.user, escalate=to_street, **data),
    )
    if submitted:
        messages.success(request, _("You stepped aside; the coordinator was told."))
        return redirect(case) if access.may_see(request.user, case) else redirect("cases:case_list")
    return form_page(
        request,
        case,
        form,
        title=_("Step aside from this case"),
        submit=_("Step aside"),
        intro=_(
            "You will no longer work on this case. This committee has no other mediator: the "
            "case goes to the street committee."
        )
        if to_street
        else _("You will no longer see this case. The coordinator assigns another mediator."),
        danger=True,
        status=submitted.status,
    )


def reassign_person(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    """Before someone leaves: hand all their open cases and follow-ups to another person."""
    person = clinic_access.access_person(request.user, user_pk, write=True)
    work = access.open_work_for(person)
    people = (
        clinic_access.people_visible_to(request.user).filter(is_active=True).exclude(pk=person.pk)
    )
    posted = request.method == "POST"
    form = ReassignForm(request.POST if posted else None, people=people)
    if posted and form.is_valid():
        moved = do_reassign_open_work(person, actor=request.user, to=form.cleaned_data["to"])
        messages.success(request, _("%(n)d items were reassigned.") % {"n": moved})
        return redirect("clinic:deactivate_person", pk=person.pk)
    return render(
        request,
        "cases/reassign_person.html",
        {"person": person, "work": work[:-1] if work else [], "form": form},
        status=400 if posted else 200,
    )
