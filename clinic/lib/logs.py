"""What the logs may hold: no ID numbers, phones, names, query strings or POST bodies.

The project's own code logs ids, never people (its messages name a task, an object's primary
key, an outcome). Behind that rule are three backstops, all wired up in ``settings.LOGGING``,
``gunicorn.conf.py`` and ``clinic.celery``:

- ``ScrubFilter`` on every handler: a record's message, its arguments, its traceback and
  Celery's task arguments are rewritten with ``scrub``: 18-digit resident ID numbers (17 digits
  and a digit or X) and 11-digit mobile numbers are replaced, and a URL's query string is cut
  off (search terms and filters travel in them);
- the access logs (runserver's ``django.server``, gunicorn's ``gunicorn.access`` with a format
  of the path alone, ``%(U)s``) therefore name the path, never the query;
- ``NoBodyReporterFilter`` for Django's error reports (the 500 email): no POST value, query
  string, referrer, cookie or local variable of any frame is written into them, whichever
  view failed, ``sensitive_post_parameters`` or not. With ``DEBUG`` on (development only) the
  report shows everything, as Django's own does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

#: A resident ID number (GB 11643: 17 digits and a check digit or X), not inside a longer run
#: of digits (a 20-digit job number is not an ID).
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
#: A mainland mobile number (1, then 3–9, then nine digits), not inside a longer run of digits.
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
#: A path with a query string: the query is dropped, the path kept.
QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]*")

ID_MASK = "[id-number]"
PHONE_MASK = "[phone]"


def scrub(text: str) -> str:
    """``text`` without ID numbers, mobile numbers or query strings."""
    text = QUERY.sub(r"\1", text)
    text = ID_NUMBER.sub(ID_MASK, text)
    return MOBILE.sub(PHONE_MASK, text)


#: Extra record attributes Celery fills with a task's arguments (``extra={"data": …}``).
_TASK_ARGUMENTS = ("args", "kwargs", "argsrepr", "kwargsrepr")


class ScrubFilter(logging.Filter):
    """Rewrites each record it passes so no handler writes personal data (see ``scrub``).

    The message is formatted once, scrubbed and stored without its arguments; the traceback
    is formatted into ``exc_text`` (which formatters use as is) and scrubbed; a task's
    arguments are dropped from the record's extra data."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        data = getattr(record, "data", None)
        if isinstance(data, Mapping):
            record.data = {k: v for k, v in data.items() if k not in _TASK_ARGUMENTS}
        return True


def scrub_handlers(logger: logging.Logger) -> None:
    """Put a ``ScrubFilter`` on each of ``logger``'s handlers (for loggers other programs set
    up: Celery's worker and task loggers, gunicorn's error and access logs)."""
    for handler in logger.handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())


def redact_task_arguments(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Celery's ``before_task_publish``: what the worker, events and monitors show of a task's
    arguments is their scrubbed form (the arguments themselves are ids, by the outbox's rule)."""
    if not headers:
        return
    for key in ("argsrepr", "kwargsrepr"):
        if isinstance(headers.get(key), str):
            headers[key] = scrub(headers[key])


class NoBodyReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports without what a person sent or carries: every POST value, the
    query string and referrer, the cookies and every frame's local variables are replaced by
    Django's ``********************`` (unless ``DEBUG``)."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if self.is_active(request):
            for key in ("QUERY_STRING", "HTTP_REFERER", "HTTP_COOKIE", "REQUEST_URI", "RAW_URI"):
                if key in meta:
                    meta[key] = self.cleansed_substitute
        return meta

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class NoBodyExceptionReporter(ExceptionReporter):
    """Django's error report with the request's address cut at the path, its GET values
    replaced and the exception's message scrubbed (see ``NoBodyReporterFilter``)."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is None or not self.filter.is_active(self.request):
            return data
        substitute = self.filter.cleansed_substitute
        data["request_insecure_uri"] = self.request.build_absolute_uri(self.request.path)
        data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
        data["request_COOKIES_items"] = [(key, substitute) for key in self.request.COOKIES]
        if data.get("exception_value"):
            data["exception_value"] = scrub(str(data["exception_value"]))
        return data
