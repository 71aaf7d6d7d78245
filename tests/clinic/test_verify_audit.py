"""The audit log is a hash chain (``clinic.lib.audit_chain``): ``manage.py verify_audit`` finds
the first entry changed, deleted or inserted by someone who got past the triggers (here: who
dropped them, as whoever holds the database file can), also after a retention purge; two
writers at once never fork the chain."""

from __future__ import annotations

import importlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from clinic.audit import record
from clinic.lib import audit_chain
from clinic.migrations._frozen_triggers import AUDIT_APPEND_ONLY
from clinic.models import AuditAnchor, AuditEntry
from tests.races import of_type, race


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _tamper(sql: str, params: list[int]) -> None:
    """Run ``sql`` past the append-only triggers, dropped first (the test's transaction brings
    them back)."""
    with connection.cursor() as cursor:
        for _table, _create, drop in AUDIT_APPEND_ONLY[connection.vendor]:
            cursor.execute(drop)
        cursor.execute(sql, params)


def _log(count: int) -> list[AuditEntry]:
    return [
        record("export", username=f"clerk {i}", object_type="cases", detail={"rows": i})
        for i in range(count)
    ]


def test_an_untouched_log_verifies(db: None) -> None:
    entries = _log(3)
    assert f"3 audit entries verified; the chain is whole. It ends at entry {entries[-1].pk}" in (
        _verify()
    )


def test_an_entry_keeps_its_seal_through_the_database(db: None) -> None:
    """What is sealed is what the database gives back: a local time, an IPv6 address, details
    with keys in any order, numbers, Chinese and nothing."""
    AuditEntry.objects.create(
        event="view",
        at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
        ip="2001:DB8:0:0:0:0:0:1",
        detail={"b": [1, 2.5, "调解"], "a": None, "10": {"y": True, "x": "卷宗"}},
    )
    entry = AuditEntry.objects.get()
    values = {name: getattr(entry, name) for name in audit_chain.FIELDS}
    assert audit_chain.seal("", values) == entry.hash
    assert "1 audit entries verified" in _verify()


def test_a_changed_byte_is_found(db: None) -> None:
    entries = _log(3)
    _tamper("UPDATE clinic_auditentry SET username = 'clerk 9' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"entry {entries[1].pk} is not as it was sealed"):
        _verify()


def test_a_deleted_entry_is_found(db: None) -> None:
    entries = _log(3)
    _tamper("DELETE FROM clinic_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(
        CommandError, match=f"after entry {entries[0].pk} is broken.*before {entries[2].pk}"
    ):
        _verify()


def test_an_entry_written_past_the_application_is_found(db: None) -> None:
    """Someone without the chain's key cannot seal the entry they add, even one that names
    the last entry's seal as the one before it."""
    entries = _log(2)
    forged = AuditEntry(event="login", username="nobody", at=timezone.now())
    values = {name: getattr(forged, name) for name in audit_chain.FIELDS}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.AUDIT_CHAIN_KEY", "a guess")
        forged.hash = audit_chain.seal(entries[-1].hash, values)
    forged.prev_hash = entries[-1].hash
    with pytest.raises(ValueError):  # the application writes no entry unsealed
        AuditEntry.objects.bulk_create([forged])
    AuditEntry._base_manager.bulk_create([forged])
    with pytest.raises(CommandError, match="is not as it was sealed"):
        _verify()


def _old(days_ago: int, username: str) -> AuditEntry:
    return AuditEntry.objects.create(
        event="login", username=username, at=timezone.now() - timedelta(days=days_ago)
    )


def test_after_a_purge_the_chain_starts_at_the_first_remaining_entry(db: None) -> None:
    purged = [_old(400, "long-ago"), _old(390, "long-ago")]
    kept = [_old(30, "last month"), *_log(2)]
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in purged]).exists()
    anchor = AuditAnchor.objects.get()
    assert (anchor.through_id, anchor.hash) == (purged[-1].pk, purged[-1].hash)
    assert "audit entries verified; the chain is whole" in _verify()
    _tamper("DELETE FROM clinic_auditentry WHERE id = %s", [kept[0].pk])
    with pytest.raises(CommandError, match=f"at the start of the log.*before {kept[1].pk}"):
        _verify()


def test_an_anchor_made_up_to_hide_deleted_entries_is_found(db: None) -> None:
    entries = _log(3)
    _tamper("DELETE FROM clinic_auditentry WHERE id = %s", [entries[0].pk])
    AuditAnchor.objects.create(through_id=entries[0].pk, hash=entries[0].hash, seal="0" * 64)
    with pytest.raises(CommandError, match=r"anchor of the purge .* has been changed"):
        _verify()


def test_the_purge_keeps_the_chain_in_its_order_not_only_by_time(db: None) -> None:
    """An old entry written after a newer one (a clock put back) stays until everything before
    it goes: deleting it alone would break the chain."""
    first = _old(400, "long-ago")
    _old(30, "last month")
    late = _old(500, "clock put back")
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert first.pk not in remaining and late.pk in remaining
    assert "the chain is whole" in _verify()


def test_a_purge_that_leaves_no_entry_lets_the_next_one_follow_its_anchor(db: None) -> None:
    _old(400, "long-ago")
    call_command("purge_audit", "--older-than-days", "365", stdout=io.StringIO())
    # the purge command's own entry (AuditedCommand) follows the anchor
    assert "the chain is whole" in _verify()


def test_the_migration_seals_as_the_live_code_does(db: None) -> None:
    migration = importlib.import_module("clinic.migrations.0014_audit_chain")
    entry = AuditEntry.objects.create(
        event="view", username="自己", ip="10.1.2.3", detail={"b": 2, "a": [1]}
    )
    values = {name: getattr(entry, name) for name in audit_chain.FIELDS}
    assert migration.FIELDS == audit_chain.FIELDS
    assert migration.seal("abc", values) == audit_chain.seal("abc", values)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_keep_one_chain() -> None:
    """Eight threads write at once, ten times over: each entry follows exactly one other."""
    for round_ in range(10):

        def write(i: int, r: int = round_) -> AuditEntry:
            return record("export", username=f"clerk {r}.{i}")

        assert not of_type(race(write), Exception)
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == 80 and len(set(prev_hashes)) == 80
    assert "80 audit entries verified" in _verify()
