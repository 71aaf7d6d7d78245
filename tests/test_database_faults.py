"""A database connection killed in the middle of a request (``pg_terminate_backend``) under
gunicorn: the person gets the error page, nothing of the action is written, and the next
request works on a fresh connection."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from cases.choices import State
from cases.models import Case, CaseEvent
from clinic.management.commands.seed_demo import DEMO_PASSWORD
from tests.cases.factories import fresh, in_state
from tests.server import Browser, Gunicorn, database_url, hidden_inputs, set_password

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Holds the action at its last write (the timeline event) long enough to kill its backend.
STALL = """
CREATE FUNCTION test_stall_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(20); RETURN NEW; END $$;
CREATE TRIGGER test_stall_event BEFORE INSERT ON cases_caseevent
FOR EACH ROW EXECUTE FUNCTION test_stall_event();
"""
UNSTALL = """
DROP TRIGGER IF EXISTS test_stall_event ON cases_caseevent;
DROP FUNCTION IF EXISTS test_stall_event();
"""


def _kill_the_stalled_backend(killed: list[int]) -> None:
    """Wait until a backend sleeps inside the trigger, then terminate it."""
    deadline = time.monotonic() + 20
    try:
        with connections["default"].cursor() as cursor:
            while time.monotonic() < deadline and not killed:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                    "AND datname = current_database() AND pid <> pg_backend_pid()"
                )
                for (pid,) in cursor.fetchall():
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    killed.append(pid)
                time.sleep(0.05)
    finally:
        connections.close_all()


def test_a_connection_killed_mid_action_writes_nothing_and_the_next_request_works() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    case = in_state(State.SIT_IN)
    events_before = CaseEvent.objects.filter(case=case).count()
    with Gunicorn(database_url()) as server:
        browser = Browser(server.url)
        set_password("mediator", DEMO_PASSWORD)
        browser.sign_in("mediator", DEMO_PASSWORD)
        step = f"/cases/{case.pk}/step/terminate/"
        form = hidden_inputs(browser.get(step).text)
        data: dict[str, Any] = {
            "version": form["version"],
            "outcome": "failed",
            "note": "双方分歧过大，已告知可向法院起诉",
        }
        with connection.cursor() as cursor:
            cursor.execute(STALL)
        killed: list[int] = []
        killer = threading.Thread(target=_kill_the_stalled_backend, args=(killed,))
        killer.start()
        try:
            answer = browser.post(step, data)
        finally:
            killer.join()
            with connection.cursor() as cursor:
                cursor.execute(UNSTALL)

        assert killed, "the action never reached its last write"
        assert answer.status == 500
        assert "没有保存成功" in answer.text  # the error page, in Chinese
        # Nothing half-written: not closed, no outcome, no event, version as the form saw it.
        after = fresh(case)
        assert after.state == State.SIT_IN and after.outcome == ""
        assert after.version == int(form["version"])
        assert CaseEvent.objects.filter(case=case).count() == events_before

        # The same worker serves the next requests on a new connection.
        assert browser.get(f"/cases/{case.pk}/").status == 200
        retry = browser.post(step, data)
        assert retry.status == 302, retry.text[:500]
        assert Case.objects.get(pk=case.pk).state == State.CLOSED
        assert CaseEvent.objects.filter(case=case, transition="terminate").count() == 1
