"""登记 and 受理 pages: registering a dispute or advice, the parties, consent and refusal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import (
    Q,
)
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.choices import (
    Side,
)
from cases.intake.actions import (
    do_add_party,
    do_log_advice,
    do_record_consent,
    do_record_refusal,
    do_register_dispute,
    do_update_party,
    party_hashes,
)
from cases.intake.forms import AdviceForm, ConsentForm, PartyForm, RefusalForm, RegisterDisputeForm
from cases.models import Case, Party
from cases.pages import case_detail_page, form_page, submit
from cases.selectors import detail_queryset
from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.audit import record as audit
from clinic.choices import AuditEvent, Role
from clinic.models import Community


def _duplicates(community: Community, party_forms: list[PartyForm]) -> list[Case]:
    """Open cases in the same street with a party of the same ID number or phone."""
    hashes: set[str] = set()
    for party_form in party_forms:
        if not party_form.is_valid():
            continue
        id_hash, phone_hash = party_hashes(
            party_form.cleaned_data.get("id_number", ""), party_form.cleaned_data.get("phone", "")
        )
        hashes.update(h for h in (id_hash, phone_hash) if h)
    if not hashes:
        return []
    return list(
        Case.objects.open()
        .filter(street=community.street)
        .filter(Q(parties__id_number_hash__in=hashes) | Q(parties__phone_hash__in=hashes))
        .distinct()
        .select_related("community")[:5]
    )


def register_dispute(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    communities = access.register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "register")
    data = request.POST or None
    form = RegisterDisputeForm(data, communities=communities)
    applicant = PartyForm(data, prefix="applicant", sides=[Side.APPLICANT])
    respondent = PartyForm(data, prefix="respondent", sides=[Side.RESPONDENT])
    duplicates: list[Case] = []
    if request.method == "POST" and all(f.is_valid() for f in (form, applicant, respondent)):
        community = form.cleaned_data["community"]
        duplicates = _duplicates(community, [applicant, respondent])
        if duplicates and not form.cleaned_data["register_anyway"]:
            form.add_error(
                "register_anyway",
                _("A party already has an open case in this street: check it, then tick here."),
            )
        else:
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("community", "register_anyway")
            }
            fields["risk"] = fields["risk"] or ""
            case = do_register_dispute(
                actor=user,
                community=community,
                parties=[applicant.cleaned_data, respondent.cleaned_data],
                mediator=user if clinic_access.has_role(user, Role.MEDIATOR) else None,
                **fields,
            )
            messages.success(request, _("The dispute was registered."))
            return redirect(case)
    return render(
        request,
        "cases/intake/register_dispute.html",
        {
            "form": form,
            "applicant": applicant,
            "respondent": respondent,
            "duplicates": duplicates,
        },
        status=400 if request.method == "POST" else 200,
    )


def log_advice(request: AuthenticatedHttpRequest) -> HttpResponse:
    """法律咨询: a walk-in question and its answer, logged in under a minute."""
    user = request.user
    communities = access.register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "advice")
    form = AdviceForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = do_log_advice(
            actor=user,
            community=data["community"],
            question=data["question"],
            answer=data["answer"],
            asker={"name": data["name"], "phone": data["phone"]} if data["name"] else None,
            dispute_type=data["dispute_type"],
            source=data["source"],
            came_on=data["came_on"],
            backdate_reason=data["backdate_reason"],
        )
        messages.success(request, _("The advice was recorded."))
        if "another" in request.POST:
            return redirect("cases:log_advice")
        return redirect(case)
    return render(
        request,
        "cases/intake/log_advice.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def add_party(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if not case.is_open:
        raise NotPermitted("case", pk, "add party")
    form = PartyForm(request.POST or None)
    submitted = submit(
        request, form, lambda data: do_add_party(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The party was added."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Add a party"), submit=_("Add"), status=submitted.status
    )


def edit_party(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = PartyForm(request.POST or None, instance=party)

    def save(data: dict[str, Any]) -> None:
        changes = {f: data[f] for f in form.Meta.fields}
        do_update_party(Party.objects.get(pk=pk), actor=request.user, changes=changes)

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect(party.case)
    if request.method == "GET":
        audit(AuditEvent.REVEAL, request=request, obj=party, detail={"for": "edit"})
    return form_page(
        request, party.case, form, title=party.name, submit=_("Save"), status=submitted.status
    )


def party_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = ConsentForm(request.POST or None)
    submitted = submit(
        request, form, lambda data: do_record_consent(party, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("Recorded."))
        return redirect(party.case)
    return form_page(
        request,
        party.case,
        form,
        title=_("Consent and rights notice: %(name)s") % {"name": party.name},
        submit=_("Record"),
        intro=_(
            "Mediation is free and voluntary. Tell the party their rights and duties "
            "(人民调解法 Art. 23–24) before mediating, and note how."
        ),
        status=submitted.status,
    )


def party_refusal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = RefusalForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: do_record_refusal(party, actor=request.user, note=data["note"]),
    )
    if submitted:
        messages.warning(request, _("The refusal was recorded: mediation cannot go on with them."))
        return redirect(party.case)
    return form_page(
        request,
        party.case,
        form,
        title=_("%(name)s refuses mediation") % {"name": party.name},
        submit=_("Record the refusal"),
        danger=True,
        status=submitted.status,
    )


@require_POST
def reveal_party(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show one party's full ID number and phone, to those who may; each reveal is audited."""
    party = access.access_party(request.user, pk)
    if not access.may_see_personal_data(request.user, party.case):
        raise NotPermitted("party", pk, "reveal")
    audit(AuditEvent.REVEAL, request=request, obj=party, detail={"case": party.case_id})
    case = detail_queryset().get(pk=party.case_id)
    return case_detail_page(request, case, revealed=party)
