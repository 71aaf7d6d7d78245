"""调解 pages: escalation, referral, extension, records, agreements, advice notes and files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.changes import ActionRefused
from cases.choices import (
    ACTIVE_STATES,
    Side,
)
from cases.mediation.actions import (
    do_add_advice,
    do_add_attachment,
    do_add_performance_item,
    do_add_record,
    do_correct_agreement,
    do_escalate_case,
    do_extend_deadline,
    do_refer_out,
    do_save_agreement,
    do_sign_agreement,
    do_update_confirmation,
    do_withdraw_attachment,
)
from cases.mediation.forms import (
    AdviceNoteForm,
    AgreementDraftForm,
    AttachmentForm,
    ConfirmationForm,
    CorrectionForm,
    EscalateForm,
    ExtendForm,
    PerformanceItemForm,
    RecordForm,
    ReferOutForm,
    SignForm,
    WithdrawAttachmentForm,
)
from cases.models import Agreement, Attachment
from cases.pages import form_page, private_file, submit
from cases.selectors import detail_queryset
from clinic import access as clinic_access
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import PROFESSIONAL_ROLES, AuditEvent, Role


def escalate_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_escalate(request.user, case):
        raise NotPermitted("case", pk, "escalate")
    form = EscalateForm(request.POST or None, initial={"version": case.version})
    title = _("Escalate to the street committee")
    submitted = submit(
        request, form, lambda data: do_escalate_case(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The case was handed to the street committee."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=title,
        submit=title,
        intro=_("大事不出街道: the street committee takes over; the street office is told."),
        status=submitted.status,
    )


def refer_out(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    case = detail_queryset().get(pk=case.pk)
    if not access.may_refer_out(request.user, case):
        raise NotPermitted("case", pk, "refer_out")
    form = ReferOutForm(request.POST or None, initial={"version": case.version})
    title = _("Refer out (上交)")
    submitted = submit(request, form, lambda data: do_refer_out(case, actor=request.user, **data))
    if submitted:
        messages.success(request, _("The case was referred out and closed."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=title,
        submit=title,
        danger=True,
        intro=_("The dispute leaves the street: it counts as not settled locally."),
        status=submitted.status,
    )


def extend_deadline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if case.state not in ACTIVE_STATES:
        raise NotPermitted("case", pk, "extend")
    form = ExtendForm(
        request.POST or None, initial={"version": case.version}, current_due=case.mediation_due
    )
    submitted = submit(
        request, form, lambda data: do_extend_deadline(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The mediation period was extended."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Extend the mediation period"),
        submit=_("Extend"),
        status=submitted.status,
    )


def add_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    form = RecordForm(
        request.POST or None,
        initial={"held_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    submitted = submit(
        request, form, lambda data: do_add_record(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The mediation record was saved."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Mediation record"),
        submit=_("Save"),
        status=submitted.status,
        draft="mediation-record",
    )


def _agreement(request: AuthenticatedHttpRequest, pk: int) -> Agreement:
    agreement = Agreement.objects.filter(pk=pk).only("case_id").first()
    if agreement is None:
        raise NotVisible("agreement", pk)
    case = access.access_case(request.user, agreement.case_id, write=True)
    agreement = Agreement.objects.get(pk=pk)
    agreement.case = case
    return agreement


def new_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if case.state not in ACTIVE_STATES:
        raise NotPermitted("case", pk, "agreement")
    parties = case.parties.exclude(side=Side.AGENT).count()
    form = AgreementDraftForm(request.POST or None, initial={"copies": parties + 1})
    submitted = submit(
        request, form, lambda data: do_save_agreement(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(
            request,
            _("The agreement was drafted. Print it, have it signed, then record the signing."),
        )
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Draft the agreement"),
        submit=_("Save the draft"),
        intro=_(
            "A written agreement (调解协议书) states the parties, the facts and the dispute, each "
            "side's responsibility, the agreed terms, and how and by when they are performed. An "
            "oral agreement is registered with its facts and terms."
        ),
        status=submitted.status,
    )


def edit_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "edit signed")
    form = AgreementDraftForm(request.POST or None, instance=agreement)
    submitted = submit(
        request,
        form,
        lambda data: do_save_agreement(
            agreement.case,
            actor=request.user,
            data={f: data[f] for f in form.Meta.fields},
            agreement=agreement,
            claim=form.claim,
        ),
    )
    if submitted:
        messages.success(request, _("Saved."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Edit the draft"),
        submit=_("Save"),
        status=submitted.status,
    )


def sign_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "sign twice")
    form = SignForm(
        request.POST or None, record=agreement, initial={"signed_on": timezone.localdate()}
    )

    def sign(data: dict[str, Any]) -> None:
        if not agreement.is_complete:
            raise ActionRefused([_("Complete every required part of the agreement first.")])
        do_sign_agreement(
            agreement, actor=request.user, signed_on=data["signed_on"], claim=form.claim
        )

    if submitted := submit(request, form, sign):
        messages.success(request, _("The agreement is in effect and can no longer be edited."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Record the signing"),
        submit=_("Record"),
        intro=_(
            "The agreement takes effect when the parties sign and the committee seals it. Once "
            "recorded it is read-only; the 30-day window for judicial confirmation opens."
        ),
        status=submitted.status,
    )


def correct_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not agreement.is_signed:
        raise NotPermitted("agreement", pk, "correct unsigned")
    form = CorrectionForm(request.POST or None, instance=agreement)

    def correct(data: dict[str, Any]) -> None:
        terms = dict(data)
        reason = terms.pop("reason")
        do_correct_agreement(
            Agreement.objects.get(pk=pk), actor=request.user, reason=reason, data=terms
        )

    if submitted := submit(request, form, correct):
        messages.success(request, _("A corrected version was drafted; it must be signed again."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Correct the agreement"),
        submit=_("Draft a new version"),
        status=submitted.status,
    )


def add_performance_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "edit signed")
    form = PerformanceItemForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: do_add_performance_item(agreement, actor=request.user, data=data),
    )
    if submitted:
        messages.success(request, _("Added."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Add an instalment or performance item"),
        submit=_("Add"),
        status=submitted.status,
    )


def update_confirmation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not agreement.is_signed:
        raise NotPermitted("agreement", pk, "confirm unsigned")
    form = ConfirmationForm(request.POST or None, instance=agreement)
    submitted = submit(
        request,
        form,
        lambda data: do_update_confirmation(
            agreement,
            actor=request.user,
            data={f: data[f] for f in form.Meta.fields},
            claim=form.claim,
        ),
    )
    if submitted:
        messages.success(request, _("Saved."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Judicial confirmation"),
        submit=_("Save"),
        intro=_(
            "Both parties may apply to the court within 30 days of the agreement taking effect."
        ),
        status=submitted.status,
    )


def add_advice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_advise(request.user, case):
        raise NotPermitted("case", pk, "advise")
    held = [r for r in clinic_access.roles(request.user) if r in PROFESSIONAL_ROLES]
    form = AdviceNoteForm(request.POST or None, roles=[(r, Role(r).label) for r in held])
    submitted = submit(request, form, lambda data: do_add_advice(case, actor=request.user, **data))
    if submitted:
        messages.success(request, _("Your advice was recorded."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Give advice"), submit=_("Record"), status=submitted.status
    )


def upload_attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    submitted = submit(
        request,
        form,
        lambda data: do_add_attachment(
            case,
            actor=request.user,
            kind=data["kind"],
            upload=form.checked,
            original_name=form.checked_name,
            description=data["description"],
        ),
    )
    if submitted:
        messages.success(request, _("The file was added."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Add a file"),
        submit=_("Upload"),
        multipart=True,
        status=submitted.status,
    )


def _attachment(request: AuthenticatedHttpRequest, pk: int, *, write: bool = False) -> Attachment:
    found = Attachment.objects.filter(pk=pk).only("case_id").first()
    if found is None:
        raise NotVisible("attachment", pk)
    case = access.access_case(request.user, found.case_id, write=write)
    attachment = Attachment.objects.get(pk=pk)
    attachment.case = case
    return attachment


def download_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file of the case. A withdrawn one is kept until its retention ends; only those who
    manage the case may still download it, named as withdrawn."""
    attachment = _attachment(request, pk)
    name = attachment.original_name
    if attachment.is_withdrawn:
        if not access.manages(request.user, attachment.case):
            raise NotPermitted("attachment", pk, "download withdrawn")
        name = _("withdrawn-%(name)s") % {"name": name}
    audit(
        AuditEvent.DOWNLOAD,
        request=request,
        obj=attachment,
        detail={"case": attachment.case_id, "withdrawn": attachment.is_withdrawn},
    )
    return private_file(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=name
    )


def withdraw_attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw a wrong upload, with a reason: those who may change the case (not once it is
    archived)."""
    attachment = _attachment(request, pk, write=True)
    if attachment.is_withdrawn:
        raise NotPermitted("attachment", pk, "withdraw twice")
    form = WithdrawAttachmentForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: do_withdraw_attachment(attachment, actor=request.user, reason=data["reason"]),
    )
    if submitted:
        messages.success(request, _("The file was withdrawn."))
        return redirect(attachment.case)
    return form_page(
        request,
        attachment.case,
        form,
        title=_("Withdraw a file"),
        submit=_("Withdraw the file"),
        intro=_(
            "%(name)s (%(kind)s) leaves the case's files and its case file. It is kept until "
            "its retention period ends, and the timeline records who withdrew it and why."
        )
        % {"name": attachment.original_name, "kind": attachment.get_kind_display()},
        danger=True,
        status=submitted.status,
    )
