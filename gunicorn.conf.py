"""Gunicorn's settings, read from the project's directory (``gunicorn clinic.wsgi``).

The access log, when it is on (``--access-logfile -``), names the path without its query string
(``%(U)s``, not the request line ``%(r)s``), no referrer and no remote user: query strings carry
search terms and filters. Every line of the error and access logs also passes
``clinic.lib.logs.ScrubFilter`` (ID numbers, mobile numbers and query strings removed).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from clinic.lib.logs import scrub_handlers

#: Client, time, method, path (no query), protocol, status, bytes, duration in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


class ScrubbedLogger(Logger):
    """Gunicorn's logger with the project's scrubbing on its error and access handlers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        scrub_handlers(self.error_log)
        scrub_handlers(self.access_log)


logger_class = ScrubbedLogger

#: A request may take this long before its worker is replaced. Gunicorn's 30 s default is too
#: short for the district's yearly official report as PDF (37 pages, about 20 s of rendering
#: on two cores); everything else answers in well under a second.
timeout = 120
