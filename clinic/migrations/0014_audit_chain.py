"""The audit log becomes a hash chain, append-only on both databases.

Each entry gets ``prev_hash`` and ``hash`` (``clinic.lib.audit_chain``); the entries already
written are sealed here in id order, with a frozen copy of the canonical form (a test keeps it
equal to the live one). PostgreSQL's trigger of ``clinic.0003`` is dropped while they are, and
made again with SQLite's (``_frozen_triggers.AUDIT_APPEND_ONLY``). On SQLite, which has no
session settings, the retention purge (and the test database's flush) delete under a permit:
a row of ``clinic_purge_permit``, a table of SQLite's only, written and removed again inside the
deleting transaction. ``AuditAnchor`` keeps where the chain starts after a purge."""

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from clinic.migrations._frozen_triggers import (
    AUDIT_APPEND_ONLY,
    AUDIT_BEFORE_CHAIN,
    CreateTriggers,
    DropTriggers,
)

FIELDS = (
    "at",
    "user_id",
    "username",
    "roles",
    "event",
    "result",
    "object_type",
    "object_id",
    "object_repr",
    "ip",
    "path",
    "detail",
)


def canonical(values):
    ip = values["ip"]
    content = {
        **{name: values[name] for name in FIELDS},
        "at": values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ip": ipaddress.ip_address(ip).compressed if ip else None,
        "detail": json.loads(json.dumps(values["detail"])),
    }
    text = json.dumps(
        ["v1", [content[name] for name in FIELDS]],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return text.encode()


def seal(prev_hash, values):
    key = str(settings.AUDIT_CHAIN_KEY).encode()
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(values), hashlib.sha256).hexdigest()


def seal_the_log(apps, schema_editor):
    AuditEntry = apps.get_model("clinic", "AuditEntry")
    prev_hash = ""
    batch = []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=1000):
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = seal(prev_hash, {name: getattr(entry, name) for name in FIELDS})
        batch.append(entry)
        if len(batch) == 1000:
            AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])


def make_permit_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS clinic_purge_permit (scope varchar(20) NOT NULL)"
        )


def drop_permit_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS clinic_purge_permit")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0013_row_versions"),
    ]

    operations = [
        DropTriggers(AUDIT_BEFORE_CHAIN),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                ("through_id", models.BigIntegerField(verbose_name="last purged entry")),
                ("hash", models.CharField(max_length=64, verbose_name="its seal")),
                ("seal", models.CharField(max_length=64, verbose_name="seal")),
            ],
            options={
                "verbose_name": "audit log anchor",
                "verbose_name_plural": "audit log anchors",
                "ordering": ["id"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="seal"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="seal of the entry before"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_the_log, migrations.RunPython.noop),
        migrations.RunPython(make_permit_table, drop_permit_table),
        CreateTriggers(AUDIT_APPEND_ONLY),
    ]
