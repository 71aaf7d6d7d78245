"""统计 pages: the street and district figures, their exports, filing, the case-level export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.changes import ActionRefused
from cases.choices import (
    JobStatus,
)
from cases.jobs import expire_if_silent
from cases.models import ExportJob, StatisticsFiling
from cases.pages import HtmxRequest, private_file
from cases.statistics import exports, figures
from cases.statistics.actions import do_file_report, do_request_case_export
from cases.statistics.charts import report_charts
from cases.statistics.figures import Report
from cases.statistics.forms import StatisticsForm
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.models import Community, Street


def _statistics_request(
    request: AuthenticatedHttpRequest,
) -> tuple[StatisticsForm, Report | None, Street | None, list[Community] | None]:
    """(form, report, street, communities) from the query string, scope checked."""

    scopes = access.statistics_scopes(request.user)
    if not scopes:
        raise NotPermitted("statistics", "", "open")
    data = request.GET.copy()
    data.setdefault("scope", scopes[0][0])
    form = StatisticsForm(data, scopes=scopes)
    if not form.is_valid():
        if "scope" in form.errors:
            raise NotVisible("statistics", data.get("scope"))
        return form, None, None, None
    label, communities, street = access.access_scope(request.user, form.cleaned_data["scope"])
    report = figures.compute(communities, form.cleaned_data["period_obj"], label)
    return form, report, street, communities


def statistics_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, report, street, _communities = _statistics_request(request)
    context: dict[str, Any] = {"form": form, "report": report}
    if report is not None:
        filing = None
        if street is not None:
            filing = StatisticsFiling.objects.filter(
                street=street, first=report.period.first, last=report.period.last
            ).first()
        corrections = []
        if filing is not None:
            now = figures.as_snapshot(report)
            for name, filed in [
                *filing.snapshot["rows"].items(),
                ("合计", filing.snapshot["total"]),
            ]:
                current = now["total"] if name == "合计" else now["rows"].get(name, {})
                for key, value in filed.items():
                    if current.get(key) != value:
                        label = figures.SNAPSHOT_LABELS.get(key, key)
                        corrections.append((name, key, label, value, current.get(key)))
        context.update(
            {
                "charts": report_charts(report),
                "filing": filing,
                "corrections": corrections,
                "may_file": access.may_file(request.user, street) and filing is None,
                "query": request.GET.urlencode(),
            }
        )
    return render(
        request,
        "cases/statistics/statistics_page.html",
        context,
        status=200 if report is not None else 400,
    )


def statistics_export(
    request: AuthenticatedHttpRequest, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The figures as files for filing upward: in Chinese whatever language the page is in."""
    with translation.override(exports.OFFICIAL_LANGUAGE):
        return _statistics_file(request, fmt)


def _statistics_file(
    request: AuthenticatedHttpRequest, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    form, report, _street, _communities = _statistics_request(request)
    if report is None:
        return redirect(f"{reverse('cases:statistics_page')}?{request.GET.urlencode()}")
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="statistics",
        object_id=form.cleaned_data["scope"],
        detail={"format": fmt, "scope": report.scope_label, "period": report.period.label},
    )
    name = f"{report.scope_label}-{report.period.label}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(exports.figures_csv(report), content_type="text/csv")
        filename = f"{name}.csv"
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.figures_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{name}.xlsx"
    elif fmt == "pdf":
        response = HttpResponse(
            exports.report_pdf(report, report_charts(report)), content_type="application/pdf"
        )
        filename = f"{name}.pdf"
    else:
        raise NotVisible("export", fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_case_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The case-level export (every case of the scope and period, anonymous) is written by a
    background job; the page shows its progress."""
    form, report, _street, _communities = _statistics_request(request)
    if report is None:
        return redirect("cases:statistics_page")
    fmt = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    job = do_request_case_export(
        actor=request.user, scope=form.cleaned_data["scope"], period=report.period, format=fmt
    )
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="cases",
        object_id=form.cleaned_data["scope"],
        detail={
            "format": f"cases.{fmt}",
            "scope": report.scope_label,
            "period": report.period.label,
        },
    )
    return redirect("cases:export_job", job_id=job.pk)


def _export_job(request: AuthenticatedHttpRequest, job_id: UUID) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise NotVisible("export", job_id)
    access.access_scope(request.user, job.scope)
    return job


def export_job(request: HtmxRequest, job_id: UUID) -> HttpResponse:
    job = _export_job(request, job_id)
    expire_if_silent(job)
    template = (
        "cases/statistics/_export_job.html" if request.htmx else "cases/statistics/export_job.html"
    )
    return render(request, template, {"job": job})


def download_export_job(request: AuthenticatedHttpRequest, job_id: UUID) -> FileResponse:
    job = _export_job(request, job_id)
    if job.status != JobStatus.DONE:
        raise NotVisible("export", job_id)
    audit(AuditEvent.DOWNLOAD, request=request, object_type="export", object_id=str(job.pk))
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(job.format, "text/csv")
    return private_file(
        job.file.open("rb"), content_type=content_type, filename=f"cases-{job.period}.{job.format}"
    )


@require_POST
def file_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, report, street, _communities = _statistics_request(request)
    if report is None or not access.may_file(request.user, street):
        raise NotPermitted("statistics", request.GET.get("scope", ""), "file")
    try:
        do_file_report(street, report=report, actor=request.user)
    except ActionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, _("Filed. The figures of this period are frozen as filed."))
    return redirect(f"{reverse('cases:statistics_page')}?{request.GET.urlencode()}")
