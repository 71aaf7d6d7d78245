"""The audit log and the case timeline are append-only at the database, on SQLite and on
PostgreSQL: raw SQL can neither change nor delete an entry, a case with a timeline cannot be
deleted, the retention purge deletes old audit entries only, and the test database's flush (the
teardown of transactional tests) still empties them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from clinic.audit import record
from clinic.lib import triggers
from clinic.models import AuditEntry
from tests.cases.factories import registered_dispute


def _refused(sql: str, params: list[int]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_raw_sql_can_neither_change_nor_delete_an_audit_entry(db: None) -> None:
    entry = record("export", username="someone")
    _refused("UPDATE clinic_auditentry SET username = 'x' WHERE id = %s", [entry.pk])
    _refused("DELETE FROM clinic_auditentry WHERE id = %s", [entry.pk])
    _refused("DELETE FROM clinic_auditentry", [])
    assert AuditEntry.objects.get(pk=entry.pk).username == "someone"


def test_raw_sql_can_neither_change_nor_delete_a_case_event(demo: None) -> None:
    case = registered_dispute()
    event = case.events.get()
    _refused("UPDATE cases_caseevent SET note = 'rewritten' WHERE id = %s", [event.pk])
    _refused("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).note == event.note


def test_a_case_with_a_timeline_cannot_be_deleted(demo: None) -> None:
    case = registered_dispute()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()
    assert case.events.exists()


def _an_entry(days_ago: int, username: str) -> AuditEntry:
    return AuditEntry.objects.create(
        event="login", username=username, at=timezone.now() - timedelta(days=days_ago)
    )


def _as_the_purge(sql: str, params: list[int]) -> None:
    """Run ``sql`` with the permit the purge command gives itself."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL clinic.audit_purge = 'on'")
        else:
            cursor.execute(triggers.grant_permit("retention"))
        cursor.execute(sql, params)
        if connection.vendor != "postgresql":
            cursor.execute(triggers.REVOKE_PERMITS)


def test_an_old_audit_entry_goes_only_through_the_purge(db: None) -> None:
    old = _an_entry(400, "long-ago")
    _refused("DELETE FROM clinic_auditentry WHERE id = %s", [old.pk])
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_even_the_purge_permit_deletes_no_entry_younger_than_180_days(db: None) -> None:
    recent = _an_entry(179, "half-a-year")
    with pytest.raises(DatabaseError, match="append-only"):
        _as_the_purge("DELETE FROM clinic_auditentry WHERE id = %s", [recent.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _as_the_purge("UPDATE clinic_auditentry SET username = 'x' WHERE id = %s", [recent.pk])
    with pytest.raises(CommandError):
        call_command("purge_audit", "--older-than-days", "179", stdout=io.StringIO())
    assert AuditEntry.objects.get(pk=recent.pk).username == "half-a-year"


def test_the_purge_permit_opens_no_case_timeline(demo: None) -> None:
    event = registered_dispute().events.get()
    with pytest.raises(DatabaseError, match="append-only"):
        _as_the_purge("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's permits")
def test_no_permit_outlives_the_purge(db: None) -> None:
    _an_entry(400, "long-ago")
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {triggers.PERMIT_TABLE}")  # noqa: S608
        assert cursor.fetchone() == (0,)
    _refused("DELETE FROM clinic_auditentry", [])


@pytest.mark.django_db(transaction=True)
def test_the_test_databases_flush_still_empties_the_log_and_the_timeline() -> None:
    """This test's own teardown is a flush (DELETE FROM on SQLite) of a database holding an
    audit entry and a case event: it fails there if the flush is refused."""
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    registered_dispute()
    record("export", username="someone")
    assert AuditEntry.objects.exists() and CaseEvent.objects.exists()
    _refused("DELETE FROM cases_caseevent", [])
