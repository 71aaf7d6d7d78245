"""Backup and restore: the demo data round-trips table by table and file by file, on SQLite
and on PostgreSQL; a backup taken while people work is consistent; the archive is the owner's
only and sealed under the operator's key; a restore that cannot be done — another key, a
byte changed, the file cut short — changes nothing; each run is audited."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
from clinic.lib.sealed import OpeningReader
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


@pytest.fixture(autouse=True)
def backup_key(settings: Any, tmp_path: Path) -> bytes:
    """The operator's backup key, in the file CLINIC_BACKUP_KEY_FILE names."""
    path = tmp_path / "backup.key"
    key = b"g6QyXJrj0n4qkH7mZbE2Lw9sV1cT8uPaD3fR5yN0oIk="
    path.write_bytes(key + b"\n")
    settings.BACKUP_KEY_FILE = str(path)
    return key


@contextmanager
def unsealed(archive: Path, key: bytes) -> Iterator[tarfile.TarFile]:
    """The archive's tar, opened with the key (to look inside in the tests)."""
    with (
        archive.open("rb") as raw,
        gzip.GzipFile(fileobj=OpeningReader(raw, key)) as packed,
        tarfile.open(fileobj=packed, mode="r|") as tar,
    ):
        yield tar


def members(archive: Path, key: bytes) -> dict[str, bytes]:
    found = {}
    with unsealed(archive, key) as tar:
        for member in tar:
            content = tar.extractfile(member)
            if content is not None:
                found[member.name] = content.read()
    return found


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


def test_the_demo_data_round_trips_row_by_row_and_file_by_file(
    media: Path, tmp_path: Path, backup_key: bytes
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    _add_files()
    before, uploaded = canonical(), files(media)
    # The demo holds what a clinic holds: check the round trip has something to carry.
    for model in (Case, CaseEvent, Party, Booking, Notification, AuditEntry):
        assert model.objects.exists(), model
    assert {name.split("/")[0] for name in uploaded} == {"cases", "documents"}
    archive = tmp_path / "clinic.tar.gz"

    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    # No resident's ID number or phone in the archive in the clear, even once unsealed.
    party_rows = members(archive, backup_key)["data/cases.party.jsonl"].decode()
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
    # The audit log comes back whole, and goes on with the restore's own entry.
    audit_before, audit_after = before.pop("clinic.auditentry"), after.pop("clinic.auditentry")
    assert len(audit_after) == len(audit_before) + 1
    assert all(row in audit_after for row in audit_before)
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
    assert _without_audit(canonical()) == _without_audit(before)  # the refusal is audited


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"\x1f\x8b not really")
    with pytest.raises(CommandError, match="not a clinic backup"):
        call_command("restore", str(bogus), stdout=io.StringIO())


@pytest.mark.postgres
def test_a_backup_taken_while_mediators_work_is_consistent(
    media: Path, tmp_path: Path, backup_key: bytes
) -> None:
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
        backup.backup(archive, key=backup_key)
        during = len(accepted)
        while len(accepted) < during + 3 and worker.is_alive():
            threading.Event().wait(0.05)
    finally:
        stop.set()
        worker.join()

    inside = members(archive, backup_key)

    def rows(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in inside[f"data/{name}.jsonl"].decode().splitlines()]

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


# --- The archive on disk: the owner's only, sealed, refused when touched ---------------------


def _case_with_a_party_and_a_photo() -> Party:
    case = in_state("sit_in")
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(picture, format="PNG")
    do_add_attachment(
        case,
        actor=user("mediator"),
        kind="evidence",
        upload=CheckedUpload(picture.getvalue(), PNG),
        original_name="收条.png",
    )
    found = case.parties.first()
    assert found is not None
    return found


def _backed_up(tmp_path: Path) -> Path:
    archive = tmp_path / "clinic.sealed"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    return archive


def _emptied(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def _without_audit(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows for name, rows in tables.items() if name != "clinic.auditentry"}


def test_the_archive_is_the_owners_only_whatever_the_umask(media: Path, tmp_path: Path) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    before = os.umask(0o000)
    try:
        archive = _backed_up(tmp_path)
    finally:
        os.umask(before)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.partial"))


def test_no_resident_data_and_no_file_can_be_read_from_the_archive(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    party = _case_with_a_party_and_a_photo()
    archive = _backed_up(tmp_path)

    content = archive.read_bytes()
    for clear in (party.id_number, party.phone, party.name, "收条.png", "manifest.json"):
        assert clear and clear.encode() not in content, clear
    assert not content.startswith(b"\x1f\x8b")  # not a gzip file: sealed
    with pytest.raises(tarfile.TarError):
        tarfile.open(archive).close()


def test_backup_refuses_to_run_without_a_key_or_with_the_field_key(
    media: Path, tmp_path: Path, settings: Any
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    settings.BACKUP_KEY_FILE = ""
    with pytest.raises(CommandError, match="no backup key"):
        _backed_up(tmp_path)
    field_key = tmp_path / "field.key"
    field_key.write_text(settings.FIELD_ENCRYPTION_KEYS[0])
    with pytest.raises(CommandError, match="application's own keys"):
        call_command("backup", "-o", str(tmp_path / "a"), "--key-file", str(field_key))
    short = tmp_path / "short.key"
    short.write_text("secret")
    with pytest.raises(CommandError, match="too short"):
        call_command("backup", "-o", str(tmp_path / "a"), "--key-file", str(short))
    assert not (tmp_path / "a").exists() and not (tmp_path / "clinic.sealed").exists()


def _refused_restore_changes_nothing(archive: Path, media: Path, match: str, *extra: str) -> None:
    """Restore ``archive`` into the emptied database: refused with ``match``, no table and no
    upload changed, and the refusal audited."""
    _emptied(media)
    before = canonical()
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(archive), *extra, stdout=io.StringIO())
    assert _without_audit(canonical()) == _without_audit(before)
    assert not Case.objects.exists()
    assert not media.exists() or not any(media.rglob("*"))
    entry = AuditEntry.objects.filter(event="command", object_id="restore").latest("pk")
    assert entry.result == "failed"


def test_a_restore_of_an_archive_cut_short_is_refused_and_changes_nothing(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    _case_with_a_party_and_a_photo()
    archive = _backed_up(tmp_path)
    whole = archive.read_bytes()
    for cut in (len(whole) - 1, len(whole) - 17, len(whole) // 2):
        archive.write_bytes(whole[:cut])
        _refused_restore_changes_nothing(archive, media, "damaged, cut short or was changed")


def test_a_restore_of_an_archive_with_one_byte_changed_is_refused_and_changes_nothing(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    _case_with_a_party_and_a_photo()
    archive = _backed_up(tmp_path)
    whole = archive.read_bytes()
    # A byte in the first chunk, one near the end (in the final chunk's text), the last one
    # (the final chunk's tag).
    for at in (100, len(whole) - 40, len(whole) - 1):
        changed = bytearray(whole)
        changed[at] ^= 0x01
        archive.write_bytes(bytes(changed))
        _refused_restore_changes_nothing(archive, media, "damaged, cut short or was changed")
    # And a byte added at the end.
    archive.write_bytes(whole + b"\0")
    _refused_restore_changes_nothing(archive, media, "damaged, cut short or was changed")


def test_a_restore_with_another_key_is_refused_and_changes_nothing(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    archive = _backed_up(tmp_path)
    other = tmp_path / "other.key"
    other.write_text("R2hvc3RzIG9mIHRoZSBzZWFsZWQgYmFja3VwIGtleQ==")
    _refused_restore_changes_nothing(
        archive, media, "not written with this key", "--key-file", str(other)
    )


def test_each_backup_and_restore_is_audited_with_who_ran_it(media: Path, tmp_path: Path) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    archive = _backed_up(tmp_path)
    made = AuditEntry.objects.get(event="command", object_id="backup")
    assert made.result == "ok" and made.detail["os_user"]
    assert made.detail["options"]["output"] == str(archive)

    _emptied(media)
    call_command("restore", str(archive), stdout=io.StringIO())
    restored = AuditEntry.objects.filter(event="command", object_id="restore").latest("pk")
    assert restored.result == "ok" and restored.detail["options"]["archive"] == str(archive)


def test_verify_only_reads_the_whole_archive_and_changes_nothing(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    _case_with_a_party_and_a_photo()
    archive = _backed_up(tmp_path)
    before = _without_audit(canonical())
    out = io.StringIO()
    call_command("restore", str(archive), "--verify-only", stdout=out)
    assert "whole and unchanged" in out.getvalue()
    assert _without_audit(canonical()) == before
    archive.write_bytes(archive.read_bytes()[:-1])
    with pytest.raises(CommandError, match="damaged, cut short or was changed"):
        call_command("restore", str(archive), "--verify-only", stdout=io.StringIO())
