"""The committee pages (调委会): the committees of one's scope with the organisation table, a
committee with its members, trainings, issued case numbers and seal uses, and the forms that
keep them. For the district admin and the coordinator; a mediator sees their committee and
records its seal uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from clinic.access import AuthenticatedHttpRequest, people_visible_to
from clinic.choices import Employment, Role
from clinic.committees import access, actions, selectors
from clinic.committees.forms import (
    CommitteeForm,
    MemberEditForm,
    MemberForm,
    SealUseForm,
    TrainingForm,
)
from clinic.lib.versions import Stale, say_stale
from clinic.models import CommitteeMember, MediationCommittee, Street, User


def _hook(name: str) -> Callable[..., Any] | None:
    """The function another app declares as ``name`` on its config (the cases app's number
    register), or None without it."""
    for config in apps.get_app_configs():
        path = getattr(config, name, None)
        if path:
            return import_string(path)
    return None


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _status(request: AuthenticatedHttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _year(request: AuthenticatedHttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def committees(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The committees of one's scope, each with its members now; the organisation table."""
    access.require_page(request.user)
    today = timezone.localdate()
    serving = Q(members__started_on__lte=today) & (
        Q(members__ended_on=None) | Q(members__ended_on__gte=today)
    )
    visible = access.visible_committees(request.user)
    listed = visible.annotate(
        serving=Count("members", filter=serving),
        full_time=Count("members", filter=serving & Q(members__employment=Employment.FULL_TIME)),
        part_time=Count("members", filter=serving & Q(members__employment=Employment.PART_TIME)),
    ).order_by("street__code", "kind", "community__code", "name")
    table = selectors.organisation_table(visible, on=today, year=today.year)
    return render(
        request,
        "clinic/committees/committees.html",
        {
            "committees": listed,
            "table": table,
            "year": today.year,
            "may_add": access.may_add_committees(request.user),
        },
    )


def add_committee(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The district admin adds a committee that holds no cases (企事业, 行业专业 …)."""
    access.require_page(request.user)
    access.require_adding_committees(request.user)
    streets = Street.objects.filter(
        district_id__in=[
            m.district_id for m in access.memberships(request.user) if m.role == Role.DISTRICT_ADMIN
        ]
    ).order_by("code")
    form = CommitteeForm(_posted(request), streets=streets)
    if request.method == "POST" and form.is_valid():
        committee = actions.do_add_committee(
            actor=request.user, data=form.cleaned_data, request=request
        )
        messages.success(request, _("The committee was added."))
        return redirect("clinic:committee", committee_pk=committee.pk)
    return render(
        request, "clinic/committees/add_committee.html", {"form": form}, status=_status(request)
    )


def committee(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    """A committee: its type and code, its members with this year's training hours, the
    counts of full- and part-time mediators, the latest seal uses."""
    found = access.access_organisation(request.user, committee_pk)
    year = timezone.localdate().year
    members = list(selectors.members_of(found, year))
    today = timezone.localdate()
    current = [m for m in members if selectors.is_serving(m, today)]  # as the table counts them
    return render(
        request,
        "clinic/committees/committee.html",
        {
            "committee": found,
            "members": members,
            "current": current,
            "full_time": sum(1 for m in current if m.employment == Employment.FULL_TIME),
            "part_time": sum(1 for m in current if m.employment == Employment.PART_TIME),
            "hours": sum((m.year_hours for m in members), start=0),  # type: ignore[attr-defined]
            "year": year,
            "seal_uses": found.seal_uses.select_related("recorded_by")[:5],
            "may_manage": access.may_manage(request.user, found),
        },
    )


def _people(
    user: User, committee: MediationCommittee, *, keep: int | None = None
) -> QuerySet[User]:
    """Who may be picked as a member who uses the system: the active people this user may see
    (``people_visible_to``) holding a role in the committee's street, or for a community's
    committee in that community; ``keep`` (the member's current user) stays offered."""
    place = (
        Q(memberships__community_id=committee.community_id)
        if committee.community_id is not None
        else Q(memberships__street_id=committee.street_id)
    )
    picked = User.objects.filter(
        place,
        is_active=True,
        memberships__ended_at=None,
        pk__in=people_visible_to(user).values("pk"),
    )
    if keep is not None:
        picked = User.objects.filter(Q(pk__in=picked.values("pk")) | Q(pk=keep))
    return picked.distinct().order_by("display_name", "username")


def add_member(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    found = access.access_organisation(request.user, committee_pk, manage=True)
    form = MemberForm(
        _posted(request),
        committee=found,
        people=_people(request.user, found),
        instance=CommitteeMember(),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
        actions.do_add_member(found, actor=request.user, data=data, request=request)
        messages.success(request, _("The member was added."))
        return redirect("clinic:committee", committee_pk=found.pk)
    return render(
        request,
        "clinic/committees/member_form.html",
        {"form": form, "committee": found, "member": None},
        status=_status(request),
    )


def edit_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member's position, dates and certificate, with the version the page showed: of two
    people saving at once the second is answered 409 with what they typed and what changed."""
    member = access.access_member(request.user, pk)
    form = MemberEditForm(
        _posted(request),
        committee=member.committee,
        people=_people(request.user, member.committee, keep=member.user_id),
        instance=CommitteeMember.objects.get(pk=member.pk),
    )
    status = _status(request)
    outdated = form.outdated() if request.method == "POST" and not form.is_valid() else None
    if outdated is not None:
        say_stale(form, outdated)
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            actions.do_update_member(
                member,
                actor=request.user,
                changes={name: form.cleaned_data[name] for name in MemberForm.Meta.fields},
                claim=form.claim,
                request=request,
            )
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        else:
            messages.success(request, _("Saved."))
            return redirect("clinic:committee", committee_pk=member.committee_id)
    return render(
        request,
        "clinic/committees/member_form.html",
        {"form": form, "committee": member.committee, "member": member},
        status=status,
    )


def add_training(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = access.access_member(request.user, pk)
    form = TrainingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actions.do_record_training(
            member, actor=request.user, data=form.cleaned_data, request=request
        )
        messages.success(request, _("The training was recorded."))
        return redirect("clinic:committee", committee_pk=member.committee_id)
    return render(
        request,
        "clinic/committees/add_training.html",
        {"form": form, "member": member, "committee": member.committee},
        status=_status(request),
    )


def number_register(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    """案件编号登记簿: every case number the committee issued in a year; gaps flagged."""
    found = access.access_organisation(request.user, committee_pk)
    read = _hook("number_register")
    register = read(found, _year(request)) if read and found.holds_cases else None
    return render(
        request,
        "clinic/committees/number_register.html",
        {"committee": found, "register": register},
    )


def seal_uses(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    """用印登记: the committee's seal uses, newest first."""
    found = access.access_organisation(request.user, committee_pk)
    page = Paginator(found.seal_uses.select_related("recorded_by"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "clinic/committees/seal_uses.html", {"committee": found, "page": page})


def add_seal_use(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    """A seal use, entered by the coordinator or a mediator of the committee."""
    found = access.access_organisation(request.user, committee_pk)
    check = _hook("case_number_issued")

    def issued(number: str) -> bool:
        return bool(check and check(found, number))

    initial = {
        "used_on": timezone.localdate(),
        "copies": 1,
        "applicant": request.user.display_name or request.user.username,
    }
    form = SealUseForm(_posted(request), issued=issued, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_record_seal_use(found, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The seal use was recorded."))
        return redirect("clinic:seal_uses", committee_pk=found.pk)
    return render(
        request,
        "clinic/committees/add_seal_use.html",
        {"form": form, "committee": found},
        status=_status(request),
    )
