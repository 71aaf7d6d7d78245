"""Middleware of the clinic project."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

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


class LanguageMiddleware:
    """Simplified Chinese unless the person chose another language with the switcher.

    Unlike Django's ``LocaleMiddleware`` it ignores the browser's Accept-Language: office PCs
    often run an English system, and the clinic's working language is Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
