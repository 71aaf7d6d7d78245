"""Backup and restore: the demo data round-trips table by table and file by file, on SQLite
and on PostgreSQL; a backup taken while people work is consistent; a restore that cannot be
done changes nothing."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from PIL import Image

from cases.documents.actions import do_request_case_file
from cases.mediation.actions import do_add_attachment
from cases.models import Case, CaseEvent, Party
from clinic import backup
from clinic.lib.uploads import PNG, CheckedUpload
from clinic.models import AuditEntry, Notification
from scheduling.models import Booking
from tests.cases.factories import in_state, user

pytestmark = pytest.mark.django_db(transaction=True)


def canonical() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through the ORM (ID numbers decrypted), with content
    types and permissions by natural key and many-to-many rows without their own ids."""
    keys = backup.natural_keys()
    tables = {}
    for model in backup.all_tables():
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (model._meta.auto_created and f.primary_key)
        ]
        mapped = [
            keys.get(backup.label(f.remote_field.model)) if f.remote_field is not None else None
            for f in fields
        ]
        rows = []
        for values in model._base_manager.values_list(*[f.attname for f in fields]):
            rows.append(
                tuple(
                    tuple(key[v]) if key is not None and v is not None else v
                    for key, v in zip(mapped, values, strict=True)
                )
            )
        tables[backup.label(model)] = sorted(rows, key=repr)
    return tables


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def _add_files() -> None:
    """An evidence photo and a bound case file: the demo itself uploads nothing."""
    case = Case.objects.filter(state="sit_in").first()
    assert case is not None, "the demo has a case in sit-in mediation"
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, format="PNG")
    do_add_attachment(
        case,
        actor=user("mediator"),
        kind="evidence",
        upload=CheckedUpload(picture.getvalue(), PNG),
        original_name="欠条.png",
    )
    do_request_case_file(case, actor=user("mediator"), reveal_ids=False)


def test_the_demo_data_round_trips_row_by_row_and_file_by_file(media: Path, tmp_path: Path) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    _add_files()
    before, uploaded = canonical(), files(media)
    # The demo holds what a clinic holds: check the round trip has something to carry.
    for model in (Case, CaseEvent, Party, Booking, Notification, AuditEntry):
        assert model.objects.exists(), model
    assert {name.split("/")[0] for name in uploaded} == {"cases", "documents"}
    archive = tmp_path / "clinic.tar.gz"

    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    # No resident's ID number or phone in the archive in the clear.
    with tarfile.open(archive) as tar:
        party_file = tar.extractfile("data/cases.party.jsonl")
        assert party_file is not None
        party_rows = party_file.read().decode()
    for party in Party.objects.exclude(id_number=""):
        assert party.id_number not in party_rows and party.phone not in party_rows

    # An empty database (migrate's own rows only, numbered afresh) and no uploads.
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert not Case.objects.exists()

    call_command("restore", str(archive), stdout=io.StringIO())

    after = canonical()
    assert after.keys() == before.keys()
    differing = {
        table: next(
            (pair for pair in zip(before[table], after[table], strict=False) if pair[0] != pair[1]),
            (len(before[table]), len(after[table])),
        )
        for table in before
        if before[table] != after[table]
    }
    assert not differing, differing
    assert files(media) == uploaded
    # And the restored system goes on where it stopped: new ids and case numbers follow the
    # restored ones (the sequences were reset).
    numbers = set(Case.objects.values_list("number", flat=True))
    last_pk = Case.objects.order_by("-pk").values_list("pk", flat=True)[0]
    case = in_state("sit_in")
    assert case.pk > last_pk and case.number not in numbers


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    archive = tmp_path / "clinic.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    before = canonical()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert canonical() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"\x1f\x8b not really")
    with pytest.raises(CommandError, match="not a clinic backup"):
        call_command("restore", str(bogus), stdout=io.StringIO())


@pytest.mark.postgres
def test_a_backup_taken_while_mediators_work_is_consistent(media: Path, tmp_path: Path) -> None:
    """Cases are accepted (numbered, with events) in another thread during the backup: the
    archive holds whole actions only, and the number sequences agree with the cases."""
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    stop, started = threading.Event(), threading.Event()
    accepted = []

    def work() -> None:
        try:
            while not stop.is_set():
                case = in_state("sit_in")  # registered, then accepted: numbered, two events
                accepted.append(case.pk)
                if len(accepted) >= 3:
                    started.set()
        finally:
            started.set()
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    archive = tmp_path / "busy.tar.gz"
    try:
        assert started.wait(60)
        backup.backup(archive)
        during = len(accepted)
        while len(accepted) < during + 3 and worker.is_alive():
            threading.Event().wait(0.05)
    finally:
        stop.set()
        worker.join()

    with tarfile.open(archive) as tar:

        def rows(name: str) -> list[dict[str, Any]]:
            member = tar.extractfile(f"data/{name}.jsonl")
            assert member is not None
            return [json.loads(line) for line in member.read().decode().splitlines()]

        cases = {row["pk"]: row["fields"] for row in rows("cases.case")}
        events = rows("cases.caseevent")
        sequences = rows("cases.casenumbersequence")
    numbered = [c for c in cases.values() if c["number_seq"]]
    # The backup ran while cases were being accepted: some before it, some after.
    assert 0 < len(numbered) < len(accepted)
    accepted_events = [e for e in events if e["fields"]["transition"] == "accept"]
    assert len(accepted_events) == len(numbered)
    assert all(e["fields"]["case"] in cases for e in events)
    last = max((s["fields"]["last"] for s in sequences if s["fields"]["kind"] == "case"), default=0)
    assert last == max((c["number_seq"] for c in numbered), default=0)
