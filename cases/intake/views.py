"""登记 and 受理 pages: registering a dispute or advice, the parties, consent and refusal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from cases import access
from cases.answers.picker import answer_picker
from cases.choices import (
    Side,
)
from cases.intake.actions import (
    check_consent,
    do_add_party,
    do_log_advice,
    do_record_consent,
    do_record_refusal,
    do_register_dispute,
    do_update_party,
)
from cases.intake.checks import (
    Findings,
    Found,
    people_fingerprints,
    possible_duplicates,
    probe_allowed,
    same_person,
    search_terms,
)
from cases.intake.checks import find_resident as find_resident_cases
from cases.intake.forms import (
    AdviceForm,
    ConsentForm,
    PartyForm,
    RefusalForm,
    RegisterDisputeForm,
    ResidentSearchForm,
    party_personal,
)
from cases.mediation.actions import do_add_power_of_attorney
from cases.mediation.forms import PowerOfAttorneyForm
from cases.models import Party
from cases.pages import case_detail_page, form_page, submit
from cases.selectors import detail_queryset
from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import PROFESSIONAL_ROLES, AuditEvent, Role
from clinic.lib.masking import mask_id_number, mask_phone

#: Who may look a resident up: everyone who works cases (not grid workers).
SEARCH_ROLES = (
    Role.MEDIATOR,
    Role.COORDINATOR,
    Role.STREET_OFFICER,
    Role.DISTRICT_ADMIN,
    *PROFESSIONAL_ROLES,
)


LIMITED = gettext_lazy(
    "You looked people up too many times in the last minute. Wait a minute, then send the form "
    "again: nothing you typed is lost."
)


def too_many_checks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """429: this person looked people up too often in the last minute."""
    return render(request, "cases/intake/too_many_checks.html", status=429)


@sensitive_post_parameters(*party_personal("applicant", "respondent"))
def register_dispute(request: AuthenticatedHttpRequest) -> HttpResponse:
    """登记. Before a dispute is written, its parties are looked up (``possible_duplicates``);
    a possible duplicate is shown and the page asks again, with "register anyway" offered
    for that very warning only. Each look-up is audited and counted against the limit."""
    user = request.user
    communities = access.register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "register")
    posted = request.POST.copy()  # mutable: the page adds the fingerprint of its warning
    data = posted if request.method == "POST" else None
    form = RegisterDisputeForm(data, communities=communities)
    applicant = PartyForm(data, prefix="applicant", sides=[Side.APPLICANT])
    respondent = PartyForm(data, prefix="respondent", sides=[Side.RESPONDENT])
    findings = Findings()
    valid = request.method == "POST" and all(f.is_valid() for f in (form, applicant, respondent))
    limited = valid and not probe_allowed(user)
    if limited:  # the form comes back as typed, to be sent again in a minute
        form.add_error(None, LIMITED)
    if valid and not limited:
        community = form.cleaned_data["community"]
        findings = possible_duplicates(
            user, community, [applicant.cleaned_data, respondent.cleaned_data]
        )
        overriding = (
            bool(findings)
            and form.cleaned_data["register_anyway"]
            and findings.answered_by(form.cleaned_data["warned"])
        )
        audit(
            AuditEvent.LOOKUP,
            request=request,
            object_type="party",
            detail={
                "check": "duplicates",
                "shown": [case.pk for case, _why in findings.shown],
                "hidden": findings.hidden,
                "override": overriding,
                "terms": people_fingerprints([applicant.cleaned_data, respondent.cleaned_data]),
            },
        )
        if findings and not overriding:
            posted["warned"] = findings.token()  # the form shows this warning's fingerprint
            form.add_error(
                "register_anyway",
                _("A party may already have a case: check the cases above, then tick here."),
            )
        else:
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("community", "register_anyway", "warned")
            }
            fields["risk"] = fields["risk"] or ""
            case = do_register_dispute(
                actor=user,
                community=community,
                parties=[applicant.cleaned_data, respondent.cleaned_data],
                mediator=user if clinic_access.has_role(user, Role.MEDIATOR) else None,
                overrode=findings.overrode() if overriding else (),
                **fields,
            )
            messages.success(request, _("The dispute was registered."))
            return redirect(case)
    if not findings:
        del form.fields["register_anyway"]
    return render(
        request,
        "cases/intake/register_dispute.html",
        {
            "form": form,
            "applicant": applicant,
            "respondent": respondent,
            "findings": findings,
        },
        status=429 if limited else 400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("name", "phone")
def log_advice(request: AuthenticatedHttpRequest) -> HttpResponse:
    """法律咨询: a walk-in question and its answer, logged in under a minute."""
    user = request.user
    communities = access.register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "advice")
    picker = answer_picker(request, communities)  # common answers to fill the answer from
    form = AdviceForm(request.POST or None, communities=communities, initial=picker.initial)
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
        picker.used(user)
        messages.success(request, _("The advice was recorded."))
        if "another" in request.POST:
            return redirect("cases:log_advice")
        return redirect(case)
    return render(
        request,
        "cases/intake/log_advice.html",
        {"form": form, "picker": picker},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters(*party_personal())
def add_party(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A party, an agent or a guardian (``?side=guardian&represents=<party>`` starts one)."""
    case = access.access_case(request.user, pk, write=True)
    if not case.is_open:
        raise NotPermitted("case", pk, "add party")
    initial = {k: request.GET[k] for k in ("side", "represents") if request.GET.get(k)}
    form = PartyForm(request.POST or None, case=case, initial=initial)
    submitted = submit(
        request, form, lambda data: do_add_party(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The party was added."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Add a party"), submit=_("Add"), status=submitted.status
    )


@sensitive_post_parameters(*party_personal())
def edit_party(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A party's details, their ID number, phone and room masked: "显示完整信息" (``?reveal=1``)
    shows them in full to those who may see personal data, and is audited. Someone else's
    change since the form was shown is not overwritten unseen (409, with what they changed)."""
    party = access.access_party(request.user, pk, write=True)
    may_reveal = access.may_see_personal_data(request.user, party.case)
    reveal = request.GET.get("reveal") == "1"
    if reveal and not may_reveal:
        raise NotPermitted("party", pk, "reveal")
    form = PartyForm(request.POST or None, instance=party, case=party.case, reveal=reveal)

    def save(data: dict[str, Any]) -> None:
        changes = {f: data[f] for f in form.Meta.fields if f in data}
        do_update_party(party, actor=request.user, changes=changes, claim=form.claim)

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect(party.case)
    if reveal and (request.method == "GET" or form.conflict):
        audit(AuditEvent.REVEAL, request=request, obj=party, detail={"for": "edit"})
    return render(
        request,
        "cases/intake/edit_party.html",
        {
            "case": party.case,
            "party": party,
            "form": form,
            "revealed": reveal,
            "may_reveal": may_reveal,
        },
        status=submitted.status,
    )


def party_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Consent and the rights notice, recorded as given; a ward's through their guardian."""
    party = access.access_party(request.user, pk, write=True)
    if not party.is_principal:
        raise NotPermitted("party", pk, "consent")
    form = ConsentForm(request.POST or None, party=party)

    def record(data: dict[str, Any]) -> None:
        guardian = data.get("guardian") if data["consented"] else None
        if data["consented"]:
            check_consent(party, guardian)
        do_record_consent(
            party,
            actor=request.user,
            consented=data["consented"],
            notice_method=data["notice_method"],
            note=data["note"],
            guardian=guardian,
        )

    submitted = submit(request, form, record)
    if submitted:
        messages.success(request, _("Recorded."))
        return redirect(party.case)
    intro = _(
        "Mediation is free and voluntary. Tell the party their rights and duties "
        "(人民调解法 Art. 23–24) before mediating, and note how."
    )
    if party.needs_guardian:
        intro += " " + _(
            "%(name)s is a minor or without full legal capacity: their guardian agrees for them. "
            "If the guardian is not on the case yet, add them first (Add a party, side Guardian)."
        ) % {"name": party.name}
    return form_page(
        request,
        party.case,
        form,
        title=_("Consent and rights notice: %(name)s") % {"name": party.name},
        submit=_("Record"),
        intro=intro,
        status=submitted.status,
    )


def party_authority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An agent's power of attorney (授权委托书), filed as theirs."""
    agent = access.access_party(request.user, pk, write=True)
    if not agent.case.is_open:
        raise NotPermitted("party", pk, "power of attorney")
    form = PowerOfAttorneyForm(request.POST or None, request.FILES or None)
    if agent.side != Side.AGENT:
        return form_page(
            request,
            agent.case,
            form,
            title=_("Power of attorney of %(name)s") % {"name": agent.name},
            submit=_("Upload"),
            intro=_("A power of attorney is filed for an agent only."),
            multipart=True,
            status=400,
        )
    submitted = submit(
        request,
        form,
        lambda data: do_add_power_of_attorney(
            agent,
            actor=request.user,
            upload=form.checked,
            original_name=form.checked_name,
            description=data["description"],
        ),
    )
    if submitted:
        messages.success(request, _("The power of attorney was filed."))
        return redirect(agent.case)
    return form_page(
        request,
        agent.case,
        form,
        title=_("Power of attorney of %(name)s") % {"name": agent.name},
        submit=_("Upload"),
        intro=_("The signed 授权委托书 of the party this agent acts for."),
        multipart=True,
        status=submitted.status,
    )


def find_resident(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A resident's earlier cases and advice, within the viewer's scope: by exact phone or ID
    number, by name, or as "this person's other cases" from a case page (``?party=``). Each
    search is audited (what was searched by and how much was found, never what was typed) and
    counted against the limit."""
    user = request.user
    if not clinic_access.has_role(user, *SEARCH_ROLES):
        raise NotPermitted("party", "", "search")
    form = ResidentSearchForm(request.GET if "q" in request.GET else None)
    person: Party | None = None
    found: list[Found] | None = None
    # by what, the filter, a case left out, and what the audit log keeps of the search
    search: tuple[str, Q, int | None, str] | None = None
    if request.GET.get("party"):
        try:
            pk = int(request.GET["party"])
        except ValueError:
            raise NotVisible("party", request.GET["party"]) from None
        person = access.access_party(user, pk)
        search = ("party", same_person(person), person.case_id, "")
    elif form.is_bound and form.is_valid():
        by, match, term = search_terms(form.cleaned_data["q"])
        search = (by, match, None, term)
    if search is not None:
        by, match, exclude, term = search
        if not probe_allowed(user):
            return too_many_checks(request)
        found = find_resident_cases(user, match, exclude_case=exclude)
        for item in found:
            for party in item.parties:
                party.shown_phone = mask_phone(party.phone)
                party.shown_id = mask_id_number(party.id_number)
        audit(
            AuditEvent.LOOKUP,
            request=request,
            object_type="party",
            object_id=person.pk if person else "",
            detail={
                "search": by,
                "found": len(found),
                "term": term,
            },
        )
    return render(
        request,
        "cases/intake/find_resident.html",
        {"form": form, "person": person, "found": found},
        status=400 if form.is_bound and not form.is_valid() else 200,
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
