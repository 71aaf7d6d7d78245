"""The statistics pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.statistics.court_views import (
    court_filings,
    court_filings_template,
    import_court_filings,
    save_court_filings,
)
from cases.statistics.views import (
    approve_filing,
    download_export_job,
    export_job,
    fill_report,
    report_filing,
    report_filings,
    request_case_export,
    return_filing,
    statistics_export,
    statistics_page,
)

urlpatterns: list[URLPattern] = [
    path("statistics/", statistics_page, name="statistics_page"),
    path("statistics/export.<str:fmt>", statistics_export, name="statistics_export"),
    path("statistics/reports/", report_filings, name="report_filings"),
    path("statistics/reports/fill/<int:committee_pk>/", fill_report, name="fill_report"),
    path("statistics/reports/<int:pk>/approve/", approve_filing, name="approve_filing"),
    path("statistics/reports/<int:pk>/return/", return_filing, name="return_filing"),
    path("statistics/reports/<int:pk>/report/", report_filing, name="report_filing"),
    path("statistics/cases/", request_case_export, name="request_case_export"),
    path("exports/<uuid:job_id>/", export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", download_export_job, name="download_export_job"),
    path("statistics/court/", court_filings, name="court_filings"),
    path("statistics/court/save/", save_court_filings, name="save_court_filings"),
    path("statistics/court/import/", import_court_filings, name="import_court_filings"),
    path("statistics/court/template.csv", court_filings_template, name="court_filings_template"),
]
