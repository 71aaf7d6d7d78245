"""The case timeline is append-only at the database, on PostgreSQL and SQLite: a trigger refuses
every UPDATE and DELETE of a ``CaseEvent`` (so a case with a timeline cannot be deleted either).
On SQLite the test database's flush deletes under the permit ``clinic.0014`` made."""

from django.db import migrations

from clinic.migrations._frozen_triggers import TIMELINE_APPEND_ONLY, CreateTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_archive_and_withdrawals"),
        ("clinic", "0014_audit_chain"),
    ]

    operations = [CreateTriggers(TIMELINE_APPEND_ONLY)]
