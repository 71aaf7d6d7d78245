"""The documents pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.documents.views import (
    archive_case,
    document,
    document_job,
    download_document_job,
    request_case_file,
)

urlpatterns: list[URLPattern] = [
    path("<int:pk>/documents/<str:kind>.pdf", document, name="document"),
    path("<int:pk>/casefile/", request_case_file, name="request_case_file"),
    path("<int:pk>/archive/", archive_case, name="archive_case"),
    path("documents/<uuid:job_id>/", document_job, name="document_job"),
    path(
        "documents/<uuid:job_id>/download/",
        download_document_job,
        name="download_document_job",
    ),
]
