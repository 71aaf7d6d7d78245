"""统计 pages: the figures of a committee, community, street or district, their exports, the
committee reports on their way up (填报, 审核 通过 / 退回, 上报) and the case-level export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from cases import access
from cases.changes import ActionRefused
from cases.choices import (
    JobStatus,
)
from cases.jobs import expire_if_silent
from cases.models import ExportJob, FilingState, ReportFiling, StatisticsFiling
from cases.pages import HtmxRequest, private_file, submit
from cases.statistics import exports, figures, filing
from cases.statistics.actions import (
    do_approve_report,
    do_fill_report,
    do_report_upward,
    do_request_case_export,
    do_return_report,
)
from cases.statistics.charts import report_charts
from cases.statistics.filing import ScopeFigures
from cases.statistics.forms import (
    FillReportForm,
    ReturnReportForm,
    ReviewReportForm,
    StatisticsForm,
)
from cases.statistics.setbacks import setbacks_found
from cases.statistics.subtypes import accepted_by_subtype
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.lib.versions import Stale, claim_row
from clinic.models import Community, MediationCommittee, Street


@dataclass
class Scope:
    """What the page's query asked for, checked: the scope, its places, the period, and the
    figures shown (frozen or live: ``filing.scope_figures``)."""

    key: str
    label: str
    communities: list[Community]
    street: Street | None
    shown: ScopeFigures

    @property
    def report(self) -> figures.Report:
        return self.shown.report

    @property
    def committee(self) -> MediationCommittee | None:
        """The committee of a committee's own page."""
        if not self.key.startswith("committee:"):
            return None
        return self.shown.committees[0] if self.shown.committees else None


def _statistics_request(
    request: AuthenticatedHttpRequest, data: Any = None
) -> tuple[StatisticsForm, Scope | None]:
    """(form, scope) from the query string, the scope checked (404 for one the user may not
    see, 403 for one who sees none)."""
    scopes = access.statistics_scopes(request.user)
    if not scopes:
        raise NotPermitted("statistics", "", "open")
    data = (request.GET if data is None else data).copy()
    data.setdefault("scope", scopes[0][0])
    form = StatisticsForm(data, scopes=scopes)
    if not form.is_valid():
        if "scope" in form.errors:
            raise NotVisible("statistics", data.get("scope"))
        return form, None
    key = form.cleaned_data["scope"]
    label, communities, street = access.access_scope(request.user, key)
    period = form.cleaned_data["period_obj"]
    shown = filing.scope_figures(key, communities, period, label)
    return form, Scope(key, label, communities, street, shown)


def _page(
    request: AuthenticatedHttpRequest,
    form: StatisticsForm,
    scope: Scope | None,
    *,
    status: int = 200,
    **forms_: forms.Form | None,
) -> HttpResponse:
    """The statistics page; ``forms_`` are the filing panel's forms as sent (with their
    errors), the others are made fresh."""
    context: dict[str, Any] = {
        "form": form,
        "report": None,
        "may_enter_court": access.may_enter_court_filings(request.user),
    }
    if scope is not None:
        report = scope.report
        shown = scope.shown
        filings = list(shown.filings.values())
        context.update(
            {
                "report": report,
                "scope": scope,
                "shown": shown,
                "charts": report_charts(report),
                "query": _query(scope.key, report.period.label),
                "comparisons": _comparisons(report),
                "corrections": filing.corrections(filings),
                "due": filing.due_on(report.period)
                if filing.is_reporting_period(report.period)
                else None,
                "filing_rows": [
                    (committee, shown.filings.get(committee.pk)) for committee in shown.committees
                ],
            }
        )
        context["setbacks"] = setbacks_found(
            scope.communities,
            report.period,
            committees=None if scope.committee is None else [scope.committee],
        )
        context["by_subtype"] = accepted_by_subtype(
            scope.communities,
            report.period,
            committees=None if scope.committee is None else [scope.committee],
        )
        if scope.street is not None:
            context.update(_legacy(scope.street, report))
        if scope.committee is not None:
            context["panel"] = _panel(request, scope, forms_)
    return render(request, "cases/statistics/statistics_page.html", context, status=status)


def _comparisons(report: figures.Report) -> list[tuple[str, Any, Any, Any, Any, Any]]:
    """环比 and 同比 of the headline figures: (label, now, previous, change, a year before,
    change); a count's change in %, a rate's in percentage points."""
    if report.previous is None and report.year_ago is None:
        return []

    def change(now: float, before: float | None, rate: bool) -> str | None:
        if before is None:
            return None
        if rate:
            return _("%(points)s points") % {"points": f"{now - before:+.1f}"}
        return f"{100 * (now - before) / before:+.1f}%" if before else None

    found = []
    for label, name, rate in (
        (pgettext("number of cases", "Accepted"), "accepted", False),
        (_("Settled"), "settled", False),
        (_("Success rate (official)"), "success_rate", True),
    ):
        now = getattr(report.total, name)
        before = getattr(report.previous, name) if report.previous is not None else None
        year = getattr(report.year_ago, name) if report.year_ago is not None else None
        found.append((label, now, before, change(now, before, rate), year, change(now, year, rate)))
    return found


def _query(key: str, label: str) -> str:
    return urlencode({"scope": key, "period": label})


def _panel(
    request: AuthenticatedHttpRequest, scope: Scope, sent: dict[str, forms.Form | None]
) -> dict[str, Any]:
    """The committee's filing panel: where its report stands and the step the person may
    take (with its form)."""
    committee = scope.committee
    if committee is None:
        return {}
    report, user = scope.report, request.user
    found = scope.shown.only_filing
    panel: dict[str, Any] = {"committee": committee, "filing": found}
    may_fill = access.may_fill_report(user, committee) and (
        found is None or found.state == FilingState.RETURNED
    )
    if may_fill:
        try:
            filing.check_fileable(report.period)
        except ValidationError as refused:
            panel["not_yet"] = refused.messages
        else:
            checked = filing.check_report(report)
            panel["errors"] = checked.errors
            panel["fill_form"] = sent.get("fill_form") or FillReportForm(
                concerns=checked.concerns,
                auto_id="fill_%s",
                initial={
                    "seen_figures": filing.figures_digest(report),
                    "seen_version": found.row_version if found else None,
                },
            )
    if (
        found is not None
        and found.state == FilingState.FILED
        and access.may_review_report(user, committee)
    ):
        panel["approve_form"] = sent.get("approve_form") or ReviewReportForm(
            record=found, auto_id="approve_%s"
        )
        panel["return_form"] = sent.get("return_form") or ReturnReportForm(
            record=found, auto_id="return_%s"
        )
    if (
        found is not None
        and found.state == FilingState.APPROVED
        and access.may_report_upward(user, committee)
    ):
        panel["report_form"] = sent.get("report_form") or ReviewReportForm(
            record=found, auto_id="report_%s"
        )
    for name, sent_form in sent.items():
        if sent_form is not None and name not in panel:
            # its step is gone (someone else took one first): what happened is still said
            panel["told"] = sent_form
    return panel


#: The figures the street offices filed before committees filed their own (a handful).
LEGACY_FIGURES = (
    "amount_involved",
    "amount_agreed",
    "accepted",
    "advice",
    "settled",
    "settled_community",
    "settled_street",
    "failed",
    "withdrawn",
    "declined",
    "referred",
    "still_open",
    "overdue",
)


def _legacy(street: Street, report: figures.Report) -> dict[str, Any]:
    """A street's filing made before committees filed their own reports (read-only), and the
    figures that changed since it."""
    old = StatisticsFiling.objects.filter(
        street=street, first=report.period.first, last=report.period.last
    ).first()
    if old is None:
        return {}
    labels = getattr(figures, "SNAPSHOT_LABELS", {})
    now = {row.name: row for row in report.rows}
    changed = []
    for name, filed in [*old.snapshot["rows"].items(), ("合计", old.snapshot["total"])]:
        row = report.total if name == "合计" else now.get(name)
        for key, value in filed.items():
            current = getattr(row, key, None) if row is not None else None
            if key in ("amount_involved", "amount_agreed") and current is not None:
                current = str(current)
            # the rates are left out: 成功率 was settled ÷ concluded when these were filed
            if key in LEGACY_FIGURES and current != value:
                changed.append((name, key, labels.get(key, key), value, current))
    return {"legacy_filing": old, "legacy_corrections": changed}


def statistics_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, scope = _statistics_request(request)
    return _page(request, form, scope, status=200 if scope is not None else 400)


def statistics_export(
    request: AuthenticatedHttpRequest, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The figures as files for filing upward: in Chinese whatever language the page is in.
    A frozen period's files are made from its snapshot."""
    with translation.override(exports.OFFICIAL_LANGUAGE):
        return _statistics_file(request, fmt)


def _statistics_file(
    request: AuthenticatedHttpRequest, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    form, scope = _statistics_request(request)
    if scope is None:
        return redirect(f"{reverse('cases:statistics_page')}?{request.GET.urlencode()}")
    report = scope.report
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="statistics",
        object_id=form.cleaned_data["scope"],
        detail={
            "format": fmt,
            "scope": report.scope_label,
            "period": report.period.label,
            "frozen": scope.shown.frozen,
        },
    )
    signed = scope.shown.only_filing
    name = f"{report.scope_label}-{report.period.label}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(exports.figures_csv(report), content_type="text/csv")
        filename = f"{name}.csv"
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.figures_xlsx(report, filing=signed),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{name}.xlsx"
    elif fmt == "pdf":
        response = HttpResponse(
            exports.report_pdf(report, report_charts(report), filing=signed),
            content_type="application/pdf",
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
    form, scope = _statistics_request(request)
    if scope is None:
        return redirect("cases:statistics_page")
    report = scope.report
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


# --- Committee reports: 填报 → 审核 (通过 / 退回) → 上报 ------------------------------------------


def _back(scope_key: str, label: str) -> HttpResponse:
    return redirect(f"{reverse('cases:statistics_page')}?{_query(scope_key, label)}")


@require_POST
def fill_report(request: AuthenticatedHttpRequest, committee_pk: int) -> HttpResponse:
    """填报: the committee files its report of the period (in the query), checked; each warning
    needs its note. Errors, a missing note or a period not ended: 400 with the page; figures
    changed since the page was shown: 409."""
    committee = access.access_committee(request.user, committee_pk)
    if not access.may_fill_report(request.user, committee):
        raise NotPermitted("statistics", f"committee:{committee.pk}", "file")
    key = f"committee:{committee.pk}"
    query = request.GET.copy()
    query["scope"] = key
    form, scope = _statistics_request(request, query)
    if scope is None:
        return _page(request, form, scope, status=400)
    report = scope.report
    found = scope.shown.only_filing
    try:
        filing.check_fileable(report.period)
    except ValidationError as refused:
        told = FillReportForm(request.POST, auto_id="fill_%s")
        told.is_valid()
        for message in refused.messages:
            told.add_error(None, message)
        return _page(request, form, scope, status=400, fill_form=told)
    checked = filing.check_report(report)
    fill_form = FillReportForm(request.POST, concerns=checked.concerns, auto_id="fill_%s")

    def fill(data: dict[str, Any]) -> ReportFiling:
        if found is not None and found.state != FilingState.RETURNED:
            raise ActionRefused(
                [
                    _("This report was filed already: it is %(state)s.")
                    % {"state": found.get_state_display()}
                ]
            )
        if checked.errors:
            raise ActionRefused(checked.errors)
        if data["seen_figures"] != filing.figures_digest(report):
            raise Stale(
                _(
                    "The figures changed since this page was shown: check them as they are now "
                    "and file again."
                )
            )

        def claim(record: ReportFiling) -> None:
            claim_row(record, data.get("seen_version"))

        return do_fill_report(
            committee, report, actor=request.user, notes=fill_form.notes(), claim=claim
        )

    submitted = submit(request, fill_form, fill)
    if not submitted:
        if submitted.status == 409:
            # shown again with the figures as they are now (and their fingerprint)
            form, scope = _statistics_request(request, query)
            fill_form = _refreshed(fill_form, scope)
        return _page(request, form, scope, status=submitted.status, fill_form=fill_form)
    messages.success(request, _("Filed. The street office reviews it next."))
    return _back(key, report.period.label)


def _refreshed(sent: FillReportForm, scope: Scope | None) -> FillReportForm:
    """The fill form after a 409: its errors and notes kept, armed with the figures now."""
    if scope is None:
        return sent
    concerns = filing.check_report(scope.report).concerns
    data = sent.data.copy()  # type: ignore[attr-defined]  # a QueryDict
    data["seen_figures"] = filing.figures_digest(scope.report)
    found = scope.shown.only_filing
    data["seen_version"] = found.row_version if found else ""
    fresh = FillReportForm(data, concerns=concerns, auto_id="fill_%s")
    fresh.is_valid()
    for error in sent.non_field_errors():
        fresh.add_error(None, error)
    return fresh


def _filing_page(
    request: AuthenticatedHttpRequest, found: ReportFiling, status: int, **sent: forms.Form
) -> HttpResponse:
    """The committee's page of the filing's period, with a review form as sent."""
    query = QueryDict(mutable=True)
    query.update({"scope": f"committee:{found.committee_id}", "period": found.label})
    form, scope = _statistics_request(request, query)
    return _page(request, form, scope, status=status, **sent)


def _review(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    allowed: Any,
    form_class: type[ReviewReportForm],
    name: str,
    step: Any,
    done: str,
) -> HttpResponse:
    found = access.access_filing(request.user, pk)
    if not allowed(request.user, found.committee):
        raise NotPermitted("reportfiling", pk, name)
    form = form_class(request.POST, record=found, auto_id=f"{name}_%s")
    submitted = submit(request, form, lambda data: step(found, data, form))
    if not submitted:
        return _filing_page(request, found, submitted.status, **{f"{name}_form": form})
    messages.success(request, done)
    return _back(f"committee:{found.committee_id}", found.label)


@require_POST
def approve_filing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """审核通过 (the street officer): the report's figures are frozen from now on."""
    return _review(
        request,
        pk,
        allowed=access.may_review_report,
        form_class=ReviewReportForm,
        name="approve",
        step=lambda found, data, form: do_approve_report(
            found, actor=request.user, claim=form.claim
        ),
        done=_("Approved. The figures of this report are frozen as filed."),
    )


@require_POST
def return_filing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """退回 (the street officer), with the reason the committee reads."""
    return _review(
        request,
        pk,
        allowed=access.may_review_report,
        form_class=ReturnReportForm,
        name="return",
        step=lambda found, data, form: do_return_report(
            found, actor=request.user, reason=data["reason"].strip(), claim=form.claim
        ),
        done=_("Returned to the committee with your reason."),
    )


@require_POST
def report_filing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """上报 (the district admin): the approved report goes upward."""
    return _review(
        request,
        pk,
        allowed=access.may_report_upward,
        form_class=ReviewReportForm,
        name="report",
        step=lambda found, data, form: do_report_upward(
            found, actor=request.user, claim=form.claim
        ),
        done=_("Reported upward."),
    )


def report_filings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The committee reports this person sees: what waits for them (to file, to review, to
    report upward) with the due day, and the recent filings."""
    user = request.user
    committees = list(
        MediationCommittee.objects.filter(access.report_committees(user))
        .select_related("street__district", "community")
        .order_by("street__code", "-level", "name")
    )
    if not committees:
        raise NotPermitted("statistics", "", "filings")
    period = filing.last_month()
    due = filing.due_on(period)
    mine = ReportFiling.objects.filter(committee__in=committees)
    filed_last = set(
        mine.filter(first=period.first, last=period.last).values_list("committee_id", flat=True)
    )
    waiting: list[tuple[MediationCommittee, ReportFiling | None, str, date | None]] = []
    steps = (FilingState.FILED, FilingState.APPROVED, FilingState.RETURNED)
    for f in (
        mine.filter(state__in=steps)
        .select_related("committee__street", "filed_by")
        .order_by("first", "committee__street__code", "-committee__level", "committee__name")
    ):
        if f.state == FilingState.FILED and access.may_review_report(user, f.committee):
            waiting.append((f.committee, f, _("to review"), filing.due_on(_period_of(f))))
        elif f.state == FilingState.APPROVED and access.may_report_upward(user, f.committee):
            waiting.append((f.committee, f, _("to report upward"), None))
        elif f.state == FilingState.RETURNED and access.may_fill_report(user, f.committee):
            waiting.append((f.committee, f, _("to file again"), filing.due_on(_period_of(f))))
    for committee in committees:
        if committee.pk not in filed_last and access.may_fill_report(user, committee):
            waiting.append((committee, None, _("to file"), due))
    recent = list(
        mine.select_related("committee", "filed_by", "reviewed_by", "reported_by").order_by(
            "-first", "committee__street__code", "-committee__level", "committee__name"
        )[:100]
    )
    return render(
        request,
        "cases/statistics/report_filings.html",
        {
            "period": period,
            "due": due,
            "overdue": timezone.localdate() > due,
            "waiting": waiting,
            "recent": recent,
            "missing": [c for c in committees if c.pk not in filed_last],
        },
    )


def _period_of(found: ReportFiling) -> figures.Period:
    return figures.Period(found.first, found.last, found.label)
