"""On PostgreSQL, one exclusion constraint forbids overlapping active commitments of a person
(btree_gist makes ``person_id WITH =`` usable in a GiST index). SQLite has no such constraint;
there the booking actions check inside an immediate transaction."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_commitment
  ADD CONSTRAINT commitment_no_overlap
  EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (active);
"""
DROP = "ALTER TABLE scheduling_commitment DROP CONSTRAINT IF EXISTS commitment_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_sessions_seats_bookings_commitments")]

    operations = [migrations.RunPython(create, drop)]
