from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from clinic.audit import record
from clinic.models import AuditEntry
from tests.conftest import client_for


def test_the_application_has_no_way_to_change_or_delete_entries(db: None) -> None:
    record("export", username="someone")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().update(username="x")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().username == "someone"


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_even_in_raw_sql(db: None) -> None:
    entry = record("export", username="someone")
    for sql in (
        "UPDATE clinic_auditentry SET username = 'x' WHERE id = %s",
        "DELETE FROM clinic_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).username == "someone"


def test_the_purge_keeps_180_days_and_removes_only_older_entries(db: None) -> None:
    now = timezone.now()
    AuditEntry.objects.create(event="login", username="long-ago", at=now - timedelta(days=400))
    AuditEntry.objects.create(event="login", username="last-month", at=now - timedelta(days=30))
    with pytest.raises(CommandError):
        call_command("purge_audit", "--older-than-days", "90", stdout=io.StringIO())
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    kept = AuditEntry.objects.filter(event="login")  # each run of the command adds its own
    assert list(kept.values_list("username", flat=True)) == ["last-month"]


def test_district_admins_search_and_export_the_log(demo: None) -> None:
    client = client_for("admin")
    client_for("coordinator").get(reverse("clinic:person", args=[999999]))  # a denial
    page = client.get(reverse("clinic:audit_log") + "?event=denied")
    assert page.status_code == 200 and "coordinator" in page.content.decode()
    response = client.get(reverse("clinic:audit_export") + "?event=denied")
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "coordinator"
    assert AuditEntry.objects.filter(event="export", username="admin").exists()


@pytest.mark.parametrize("username", ["coordinator", "street", "mediator", "judge"])
def test_only_district_admins_read_the_log(demo: None, username: str) -> None:
    assert client_for(username).get(reverse("clinic:audit_log")).status_code == 403
    assert client_for(username).get(reverse("clinic:audit_export")).status_code == 403
