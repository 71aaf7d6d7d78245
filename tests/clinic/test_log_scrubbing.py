"""No ID numbers, phones, query strings or POST bodies in the logs: the project's handlers
(``settings.LOGGING``), runserver's and gunicorn's access logs, Celery's worker logs and the
error report an administrator is emailed all go through ``clinic.lib.logs``."""

from __future__ import annotations

import io
import logging
import runpy
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from celery import signals
from django.core import mail
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse
from gunicorn.config import Config  # type: ignore[import-untyped]

from clinic.lib.logs import ScrubFilter, redact_task_arguments, scrub
from tests.cases.factories import registered_dispute
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "11010119900307451X"
MOBILE = "13812345678"
NAME = "欧阳秀英"
ADDRESS = "金江路社区 9 栋 2 单元 501"


def _captured(logger_name: str) -> Iterator[io.StringIO]:
    """What the project's own (scrubbing) handlers of ``logger_name`` write, in one buffer."""
    logger = logging.getLogger(logger_name)
    handlers = [
        h
        for h in logger.handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, ScrubFilter) for f in h.filters)
    ]
    assert handlers, f"{logger_name} has no scrubbing handler"
    buffer = io.StringIO()
    old = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, old, strict=True):
            handler.setStream(stream)


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    yield from _captured("")


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    yield from _captured("django.server")


def test_the_regex_backstop_removes_id_numbers_mobiles_and_query_strings() -> None:
    text = scrub(
        f"GET /cases/?q={NAME}&id={ID_NUMBER} by {MOBILE}, 身份证 110101199003074512，"
        "job 20260314092653000001, landline 0871-63301457"
    )
    assert text == (
        "GET /cases/ by [phone], 身份证 [id-number]，job 20260314092653000001, "
        "landline 0871-63301457"
    )


def test_a_log_record_with_an_id_number_or_phone_is_written_without_them(
    console: io.StringIO,
) -> None:
    log = logging.getLogger("cases.anything")
    log.warning("party %s (%s) could not be saved", ID_NUMBER, MOBILE)
    try:
        raise ValueError(f"duplicate id_number {ID_NUMBER.lower()}")
    except ValueError:
        log.exception("while saving %s", MOBILE)
    written = console.getvalue()
    assert "could not be saved" in written and "ValueError: duplicate id_number" in written
    assert ID_NUMBER not in written and ID_NUMBER.lower() not in written
    assert MOBILE not in written
    assert written.count("[id-number]") == 2 and written.count("[phone]") == 2


def test_runservers_access_log_names_the_path_without_its_query(server_log: io.StringIO) -> None:
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None  # type: ignore[assignment]  # a socket in runserver; not read
    request_line = f"GET /cases/?q={ID_NUMBER}&phone={MOBILE} HTTP/1.1"
    handler.log_message('"%s" %s %s', request_line, "200", "5120")
    written = server_log.getvalue()
    assert '"GET /cases/ HTTP/1.1" 200 5120' in written
    assert ID_NUMBER not in written and MOBILE not in written and "?" not in written


def test_a_refused_request_with_a_query_string_logs_only_its_path(
    demo: None, console: io.StringIO
) -> None:
    url = reverse("cases:case_detail", args=[999999]) + f"?q={ID_NUMBER}&name={NAME}"
    assert client_for("mediator").get(url).status_code == 404
    written = console.getvalue()
    assert "/cases/999999/" in written
    assert ID_NUMBER not in written and NAME not in written and "?" not in written


def _gunicorn(tmp_path: Path) -> tuple[Any, Path, Path]:
    """Gunicorn's logger as ``gunicorn.conf.py`` sets it up, writing to files."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("access_log_format", "logger_class"):
        cfg.set(name, settings[name])
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    cfg.set("accesslog", str(access))
    cfg.set("errorlog", str(errors))
    return cfg.logger_class(cfg), access, errors


def test_gunicorns_access_and_error_logs_name_the_path_without_its_query(tmp_path: Path) -> None:
    logger, access, errors = _gunicorn(tmp_path)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases/?q={ID_NUMBER}",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": f"q={ID_NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": f"https://clinic.example/people/?phone={MOBILE}",
    }
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    logger.error("Error handling request %s", environ["RAW_URI"])
    for handler in logging.getLogger("gunicorn.access").handlers:
        handler.flush()
    written = access.read_text()
    assert '"GET /cases/ HTTP/1.1" 200 5120 42ms' in written
    assert ID_NUMBER not in written and MOBILE not in written and "?" not in written
    error = errors.read_text()
    assert "Error handling request /cases/" in error and ID_NUMBER not in error


def test_celery_shows_task_arguments_scrubbed_and_its_handlers_scrub() -> None:
    headers = {"argsrepr": f"('{ID_NUMBER}', '{MOBILE}', 17)", "kwargsrepr": "{}"}
    redact_task_arguments(headers=headers)
    assert headers["argsrepr"] == "('[id-number]', '[phone]', 17)"
    worker = logging.getLogger("h6.celery.worker")
    handler = logging.StreamHandler(io.StringIO())
    worker.addHandler(handler)
    try:
        signals.after_setup_logger.send(sender=None, logger=worker, loglevel=logging.INFO)
        signals.after_setup_task_logger.send(sender=None, logger=worker, loglevel=logging.INFO)
        assert [type(f) for f in handler.filters] == [ScrubFilter]
        context = {"id": "c0ffee", "name": "cases.tasks.x", "args": f"('{ID_NUMBER}',)"}
        worker.error("Task %(name)s[%(id)s] failed", context, extra={"data": context})
    finally:
        worker.removeHandler(handler)
    written = handler.stream.getvalue()
    assert "Task cases.tasks.x[c0ffee] failed" in written and ID_NUMBER not in written


@pytest.fixture
def failing_party_form(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"the form broke on {ID_NUMBER}")

    monkeypatch.setattr("cases.intake.views.PartyForm", fail)


def test_a_party_post_that_fails_logs_and_reports_no_body(
    demo: None, settings, console: io.StringIO, failing_party_form: None
) -> None:
    settings.ADMINS = [("运维", "ops@clinic.example")]
    settings.DEBUG = False
    party = registered_dispute().parties.get(side="applicant")
    client = client_for("mediator")
    client.raise_request_exception = False
    url = reverse("cases:edit_party", args=[party.pk]) + f"?phone={MOBILE}"
    body = {"name": NAME, "id_number": ID_NUMBER, "phone": MOBILE, "address": ADDRESS}
    assert client.post(url, body).status_code == 500
    written = console.getvalue()
    assert "Internal Server Error" in written and "RuntimeError" in written
    [email] = mail.outbox
    alternatives = getattr(email, "alternatives", [])
    report = str(email.subject) + str(email.body) + "".join(str(a[0]) for a in alternatives)
    assert "RuntimeError" in report
    for value in [NAME, ID_NUMBER, MOBILE, ADDRESS, "9 栋"]:
        assert value not in written, value
        assert value not in report, value


def test_in_development_the_error_page_still_shows_what_was_sent(
    demo: None, settings, failing_party_form: None
) -> None:
    settings.DEBUG = True
    party = registered_dispute().parties.get(side="applicant")
    client = client_for("mediator")
    client.raise_request_exception = False
    response = client.post(reverse("cases:edit_party", args=[party.pk]), {"name": NAME})
    assert response.status_code == 500 and NAME in response.content.decode()
