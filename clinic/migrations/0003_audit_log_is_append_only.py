"""On PostgreSQL the audit log refuses UPDATE and DELETE at the database level. The only
exception is the purge command, which sets ``clinic.audit_purge`` for its transaction and may
then delete entries older than 180 days. (TRUNCATE, an owner's operation, stays possible for
database administrators and test teardown.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('clinic.audit_purge', true) = 'on'
     AND OLD.at < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION USING MESSAGE = 'the audit log is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_audit_append_only ON clinic_auditentry;
CREATE TRIGGER clinic_audit_append_only
  BEFORE UPDATE OR DELETE ON clinic_auditentry
  FOR EACH ROW EXECUTE FUNCTION clinic_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS clinic_audit_append_only ON clinic_auditentry;
DROP FUNCTION IF EXISTS clinic_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0002_holiday_works_as")]

    operations = [migrations.RunPython(create, drop)]
