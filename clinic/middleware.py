"""Middleware of the clinic project."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from clinic.access import NotPermitted, NotVisible
from clinic.audit import record
from clinic.choices import AuditEvent, AuditResult


class AuditDenialsMiddleware:
    """Writes every refusal by an ``access_*`` helper (404 or 403) to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotVisible | NotPermitted):
            record(
                AuditEvent.DENIED,
                request=request,
                result=AuditResult.DENIED,
                object_type=exception.object_type,
                object_id=exception.object_id,
                detail={"status": 404 if isinstance(exception, NotVisible) else 403},
            )
