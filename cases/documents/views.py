"""文书与卷宗 pages: one document as a PDF, the bound case file's job, archiving."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.choices import (
    JobStatus,
)
from cases.documents import papers
from cases.documents.actions import do_archive_case, do_request_case_file, next_volume_no
from cases.documents.forms import ArchiveForm
from cases.jobs import expire_if_silent
from cases.models import Case, DocumentJob
from cases.pages import HtmxRequest, private_file, submit
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import AuditEvent


def _record_download(
    request: AuthenticatedHttpRequest, case: Case, kind: str, *, full: bool
) -> None:
    """A copy with full ID numbers is a reveal of the parties' personal data, recorded as
    such with the document and the case; a masked copy is a plain download."""
    audit(
        AuditEvent.REVEAL if full else AuditEvent.DOWNLOAD,
        request=request,
        obj=case,
        detail={
            "document": kind,
            "title": papers.KINDS[kind].title,
            "case": case.pk,
            "full_ids": full,
        },
    )


def document(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """One document of a case as a PDF, rendered within the request; one no longer offered
    (the confirmation pack after its window) is a page saying why (410). The documents that must
    carry full ID numbers (``papers.KINDS[…].full_ids``) carry them only for those who may see
    personal data, and each such copy is recorded as a reveal; everyone else, and every other
    document, gets the masked copy."""

    case = access.access_case(request.user, pk)
    if kind not in papers.KINDS or kind == "casefile":
        raise NotVisible("document", kind)
    loaded = papers.load(case)
    reason = papers.refused(loaded).get(kind)
    if reason is not None:  # no longer offered: the page says why
        context = {"case": case, "title": papers.KINDS[kind].title, "reason": reason}
        return render(request, "cases/documents/document_refused.html", context, status=410)
    if kind not in papers.available(loaded):
        raise NotVisible("document", kind)
    full = papers.KINDS[kind].full_ids and access.may_see_personal_data(request.user, case)
    pdf = papers.render(case, kind, reveal_ids=full)
    _record_download(request, case, kind, full=full)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{case.number or case.pk}-{papers.KINDS[kind].title}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_case_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    job = do_request_case_file(
        case, actor=request.user, reveal_ids=access.may_see_personal_data(request.user, case)
    )
    return redirect("cases:document_job", job_id=job.pk)


def _job(request: AuthenticatedHttpRequest, job_id: UUID) -> DocumentJob:
    job = DocumentJob.objects.select_related("case").filter(pk=job_id).first()
    if job is None or job.requested_by_id != request.user.pk:
        raise NotVisible("document_job", job_id)
    access.access_case(request.user, job.case_id)
    return job


def document_job(request: HtmxRequest, job_id: UUID) -> HttpResponse:
    """The case file's progress; the page refreshes itself (htmx) until the file is ready."""
    job = _job(request, job_id)
    expire_if_silent(job)
    template = (
        "cases/documents/_document_job.html"
        if request.htmx
        else "cases/documents/document_job.html"
    )
    return render(request, template, {"job": job, "case": job.case})


def download_document_job(request: AuthenticatedHttpRequest, job_id: UUID) -> FileResponse:
    job = _job(request, job_id)
    if job.status != JobStatus.DONE:
        raise NotVisible("document_job", job_id)
    if job.reveal_ids and not access.may_see_personal_data(request.user, job.case):
        # Bound with full ID numbers for someone who may no longer see them.
        raise NotPermitted("document_job", job_id, "download")
    _record_download(request, job.case, "casefile", full=job.reveal_ids)
    name = f"{job.case.number or job.case.pk}-人民调解卷宗.pdf"
    return private_file(job.file.open("rb"), content_type="application/pdf", filename=name)


def archive_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)  # refuses an archived case
    form = ArchiveForm(request.POST or None, initial={"volume_no": next_volume_no(case)})
    gaps = papers.missing(case)
    submitted = submit(
        request,
        form,
        lambda data: do_archive_case(case, actor=request.user, volume_no=data["volume_no"]),
    )
    if submitted:
        messages.success(request, _("The case was archived."))
        return redirect(case)
    return render(
        request,
        "cases/documents/archive_case.html",
        {"case": case, "form": form, "gaps": gaps},
        status=submitted.status,
    )
