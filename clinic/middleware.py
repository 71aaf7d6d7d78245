"""Middleware of the clinic project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import user_has_device
from django_otp.middleware import is_verified

from clinic import submissions
from clinic.access import NotPermitted, NotVisible, roles
from clinic.audit import record
from clinic.choices import AuditEvent, AuditResult


class AuditDenialsMiddleware(MiddlewareMixin):
    """Writes every refusal by an ``access_*`` helper (404 or 403) to the audit log."""

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


#: What pages may ask the browser for: nothing of the sort. No page uses the camera,
#: microphone or location APIs (a visit photo is chosen with a plain file input, which opens
#: the phone's own camera app), so every feature that reaches into the device is switched off.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class PrivacyHeadersMiddleware:
    """Every response says which device features its page may use (none); every response to
    a signed-in person is stored by no cache, the browser's included (``no-store``), because
    any of it may hold personal data. Static files, answered before sign-in is known (by
    WhiteNoise, further down), keep their long cache; a response that already forbids
    storing (``private_file``'s ``private, no-store``, ``never_cache``) is left as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        private = user is not None and user.is_authenticated and not _is_static(request)
        if private and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response


def _is_static(request: HttpRequest) -> bool:
    return bool(settings.STATIC_URL) and request.path.startswith(str(settings.STATIC_URL))


#: Database errors that mean "someone else held the same rows at that moment": a deadlock, a
#: serialization failure, a lock not available (PostgreSQL's codes), SQLite's busy writer.
BUSY_STATES = {"40P01", "40001", "55P03"}


class DatabaseBusyMiddleware(MiddlewareMixin):
    """When a change collides with another at the same moment and the database rolls it back,
    the person is told that nothing was saved and to send it again (409), not shown an error
    page: their transaction was rolled back whole, so sending it again is safe."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        state = getattr(exception.__cause__, "sqlstate", None)
        if state not in BUSY_STATES and "database is locked" not in str(exception):
            return None
        return render(request, "409.html", status=409)


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


#: Pages a person reaches before the second factor or a password change is done.
SIGN_IN_PAGES = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "two_factor_setup",
        "two_factor_verify",
        "password_change",
        "password_change_done",
    }
)


def _url_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match else ""


class SecondFactorMiddleware(MiddlewareMixin):
    """With ``CLINIC_TWO_FACTOR`` on: a signed-in person who has a one-time-code device must
    enter a code before anything else; district administrators without one must set it up."""

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not settings.TWO_FACTOR or not user.is_authenticated or is_verified(user):
            return None
        if _url_name(request) in SIGN_IN_PAGES:
            return None
        if user_has_device(user):
            target = "two_factor_verify"
        elif set(roles(user)) & set(settings.TWO_FACTOR_REQUIRED_ROLES):
            target = "two_factor_setup"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class PasswordAgeMiddleware(MiddlewareMixin):
    """With ``PASSWORD_PROFILE=mlps``: warn 14 days before a password runs out, and send a
    person whose password is older than 90 days to the change page."""

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit = settings.PASSWORD_MAX_AGE_DAYS
        user = request.user
        if not limit or not user.is_authenticated or _url_name(request) in SIGN_IN_PAGES:
            return None
        age = user.password_age_days()
        if age >= limit:
            messages.warning(
                request,
                _("Your password is more than %(days)s days old: please choose a new one.")
                % {"days": limit},
            )
            return redirect("password_change")
        left = limit - age
        if left <= settings.PASSWORD_WARN_DAYS and not request.session.get("password_warned"):
            request.session["password_warned"] = True
            messages.info(
                request,
                ngettext(
                    "Your password runs out in %(days)s day: change it on the password page.",
                    "Your password runs out in %(days)s days: change it on the password page.",
                    left,
                )
                % {"days": left},
            )
        return None


class RequestSizeMiddleware:
    """Refuses a request body larger than ``MAX_REQUEST_BYTES`` before reading it (413), so
    an oversized upload never fills the disk; the upload forms check each file's own limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)


class SubmissionMiddleware(MiddlewareMixin):
    """A form sent again gets the first sending's answer instead of making a second record
    (``clinic.submissions``): a signed-in person's POST carrying a ``submission_id`` is
    claimed before its view runs, answered with the remembered redirect and "此表单已提交过"
    when that sending already succeeded, and its own redirect remembered when it is the
    first. After the CSRF check and the sign-in pages' gates, before the view."""

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        if _url_name(request) in SIGN_IN_PAGES:
            return None
        token = submissions.token_of(request.POST.get(submissions.FIELD))
        if token is None:
            return None
        try:
            first = submissions.claim(request.user, token)
        except submissions.StillSending:
            return render(request, "clinic/still_sending.html", status=409)
        if first is None:
            request.submission = (request.user, token)  # type: ignore[attr-defined]
            return None
        messages.info(request, _("This form was already submitted."))
        return _sent(redirect(first.location), token)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        claimed = getattr(request, "submission", None)
        if claimed is None:
            return response
        user, token = claimed
        del request.submission  # type: ignore[attr-defined]
        location = response.get("Location") if response.status_code in (301, 302, 303) else None
        submissions.finish(user, token, location=location)
        return _sent(response, token) if location else response


def _sent(response: HttpResponse, token: object) -> HttpResponse:
    """Tell the next page which sending succeeded (``static/js/drafts.js`` forgets its draft)."""
    response.set_cookie(
        submissions.SENT_COOKIE,
        str(token),
        max_age=300,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read by drafts.js; it holds only the random id
        samesite="Lax",
    )
    return response
