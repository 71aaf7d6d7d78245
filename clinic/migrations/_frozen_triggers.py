"""The row triggers' SQL exactly as the migrations wrote it, frozen: a migration must run the SQL
of its day, not whatever ``clinic.lib.triggers`` and ``clinic.lib.stamps`` write today.

Never edit a frozen set. When the live helpers change, freeze the new SQL as a new set here and
write a migration that installs it; ``tests/clinic/test_triggers_survive_migrations.py`` fails
while the live helpers and ``LATEST`` disagree.

On SQLite, Django rebuilds a table for most schema changes (``add_field`` with a default,
``alter_field``, ``remove_field`` …): the rebuild drops that table's triggers, and rebuilding
``clinic_user`` fails while a trigger names it. So every migration after ``clinic.0007`` that
changes a table listed in ``TABLES`` wraps its operations in ``rebuilding(...)``, which drops
the triggers first and makes them again from frozen SQL after (the test checks every migration
for it). Each entry is ``(table, create, drop)``. ``rebuilding`` makes ``LATEST`` unless told
otherwise: a migration that must not make later triggers (it runs before them) names its set.

(This module's name starts with an underscore: Django's migration loader passes it over.)
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# clinic.0007: access stamps on memberships and regions, the unread count on notifications.
USER_FACTS = {
    "postgresql": [
        (
            "clinic_membership",
            """
CREATE OR REPLACE FUNCTION clinic_membership_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id = NEW.user_id; ELSIF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (OLD.user_id, NEW.user_id); ELSIF TG_OP = 'DELETE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id = OLD.user_id; END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_membership_restamp ON clinic_membership;
CREATE TRIGGER clinic_membership_restamp AFTER INSERT OR UPDATE OR DELETE ON clinic_membership
  FOR EACH ROW EXECUTE FUNCTION clinic_membership_restamp();
""",
            "DROP TRIGGER IF EXISTS clinic_membership_restamp ON clinic_membership; DROP FUNCTION IF EXISTS clinic_membership_restamp();",
        ),
        (
            "clinic_district",
            """
CREATE OR REPLACE FUNCTION clinic_district_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (SELECT user_id FROM clinic_membership WHERE district_id = NEW.id); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_district_restamp ON clinic_district;
CREATE TRIGGER clinic_district_restamp AFTER UPDATE ON clinic_district
  FOR EACH ROW EXECUTE FUNCTION clinic_district_restamp();
""",
            "DROP TRIGGER IF EXISTS clinic_district_restamp ON clinic_district; DROP FUNCTION IF EXISTS clinic_district_restamp();",
        ),
        (
            "clinic_street",
            """
CREATE OR REPLACE FUNCTION clinic_street_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (SELECT user_id FROM clinic_membership WHERE street_id = NEW.id); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_street_restamp ON clinic_street;
CREATE TRIGGER clinic_street_restamp AFTER UPDATE ON clinic_street
  FOR EACH ROW EXECUTE FUNCTION clinic_street_restamp();
""",
            "DROP TRIGGER IF EXISTS clinic_street_restamp ON clinic_street; DROP FUNCTION IF EXISTS clinic_street_restamp();",
        ),
        (
            "clinic_community",
            """
CREATE OR REPLACE FUNCTION clinic_community_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (SELECT user_id FROM clinic_membership WHERE community_id = NEW.id); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_community_restamp ON clinic_community;
CREATE TRIGGER clinic_community_restamp AFTER UPDATE ON clinic_community
  FOR EACH ROW EXECUTE FUNCTION clinic_community_restamp();
""",
            "DROP TRIGGER IF EXISTS clinic_community_restamp ON clinic_community; DROP FUNCTION IF EXISTS clinic_community_restamp();",
        ),
        (
            "clinic_grid",
            """
CREATE OR REPLACE FUNCTION clinic_grid_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (SELECT user_id FROM clinic_membership WHERE grid_id = NEW.id); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_grid_restamp ON clinic_grid;
CREATE TRIGGER clinic_grid_restamp AFTER UPDATE ON clinic_grid
  FOR EACH ROW EXECUTE FUNCTION clinic_grid_restamp();
""",
            "DROP TRIGGER IF EXISTS clinic_grid_restamp ON clinic_grid; DROP FUNCTION IF EXISTS clinic_grid_restamp();",
        ),
        (
            "clinic_notification",
            """
CREATE OR REPLACE FUNCTION clinic_notification_unread() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN UPDATE clinic_user SET unread_notifications = unread_notifications + 1 WHERE id = NEW.user_id AND NEW.read_at IS NULL; ELSIF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET unread_notifications = unread_notifications - 1 WHERE id = OLD.user_id AND OLD.read_at IS NULL AND (NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL)); UPDATE clinic_user SET unread_notifications = unread_notifications + 1 WHERE id = NEW.user_id AND NEW.read_at IS NULL AND (NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL)); ELSIF TG_OP = 'DELETE' THEN UPDATE clinic_user SET unread_notifications = unread_notifications - 1 WHERE id = OLD.user_id AND OLD.read_at IS NULL; END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS clinic_notification_unread ON clinic_notification;
CREATE TRIGGER clinic_notification_unread AFTER INSERT OR UPDATE OR DELETE ON clinic_notification
  FOR EACH ROW EXECUTE FUNCTION clinic_notification_unread();
""",
            "DROP TRIGGER IF EXISTS clinic_notification_unread ON clinic_notification; DROP FUNCTION IF EXISTS clinic_notification_unread();",
        ),
    ],
    "sqlite": [
        (
            "clinic_membership",
            "CREATE TRIGGER IF NOT EXISTS clinic_membership_restamp_insert AFTER INSERT ON clinic_membership BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id = NEW.user_id; END;",
            "DROP TRIGGER IF EXISTS clinic_membership_restamp_insert;",
        ),
        (
            "clinic_membership",
            "CREATE TRIGGER IF NOT EXISTS clinic_membership_restamp_update AFTER UPDATE ON clinic_membership BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (OLD.user_id, NEW.user_id); END;",
            "DROP TRIGGER IF EXISTS clinic_membership_restamp_update;",
        ),
        (
            "clinic_membership",
            "CREATE TRIGGER IF NOT EXISTS clinic_membership_restamp_delete AFTER DELETE ON clinic_membership BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id = OLD.user_id; END;",
            "DROP TRIGGER IF EXISTS clinic_membership_restamp_delete;",
        ),
        (
            "clinic_district",
            "CREATE TRIGGER IF NOT EXISTS clinic_district_restamp_update AFTER UPDATE ON clinic_district BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (SELECT user_id FROM clinic_membership WHERE district_id = NEW.id); END;",
            "DROP TRIGGER IF EXISTS clinic_district_restamp_update;",
        ),
        (
            "clinic_street",
            "CREATE TRIGGER IF NOT EXISTS clinic_street_restamp_update AFTER UPDATE ON clinic_street BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (SELECT user_id FROM clinic_membership WHERE street_id = NEW.id); END;",
            "DROP TRIGGER IF EXISTS clinic_street_restamp_update;",
        ),
        (
            "clinic_community",
            "CREATE TRIGGER IF NOT EXISTS clinic_community_restamp_update AFTER UPDATE ON clinic_community BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (SELECT user_id FROM clinic_membership WHERE community_id = NEW.id); END;",
            "DROP TRIGGER IF EXISTS clinic_community_restamp_update;",
        ),
        (
            "clinic_grid",
            "CREATE TRIGGER IF NOT EXISTS clinic_grid_restamp_update AFTER UPDATE ON clinic_grid BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (SELECT user_id FROM clinic_membership WHERE grid_id = NEW.id); END;",
            "DROP TRIGGER IF EXISTS clinic_grid_restamp_update;",
        ),
        (
            "clinic_notification",
            "CREATE TRIGGER IF NOT EXISTS clinic_notification_unread_insert AFTER INSERT ON clinic_notification BEGIN UPDATE clinic_user SET unread_notifications = unread_notifications + 1 WHERE id = NEW.user_id AND NEW.read_at IS NULL; END;",
            "DROP TRIGGER IF EXISTS clinic_notification_unread_insert;",
        ),
        (
            "clinic_notification",
            "CREATE TRIGGER IF NOT EXISTS clinic_notification_unread_update AFTER UPDATE ON clinic_notification BEGIN UPDATE clinic_user SET unread_notifications = unread_notifications - 1 WHERE id = OLD.user_id AND OLD.read_at IS NULL AND (NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL)); UPDATE clinic_user SET unread_notifications = unread_notifications + 1 WHERE id = NEW.user_id AND NEW.read_at IS NULL AND (NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL)); END;",
            "DROP TRIGGER IF EXISTS clinic_notification_unread_update;",
        ),
        (
            "clinic_notification",
            "CREATE TRIGGER IF NOT EXISTS clinic_notification_unread_delete AFTER DELETE ON clinic_notification BEGIN UPDATE clinic_user SET unread_notifications = unread_notifications - 1 WHERE id = OLD.user_id AND OLD.read_at IS NULL; END;",
            "DROP TRIGGER IF EXISTS clinic_notification_unread_delete;",
        ),
    ],
}

# cases.0008: access stamps on case grants.
CASE_GRANTS = {
    "postgresql": [
        (
            "cases_caseuserobjectpermission",
            """
CREATE OR REPLACE FUNCTION cases_caseuserobjectpermission_restamp() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id = NEW.user_id; ELSIF TG_OP = 'UPDATE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id IN (OLD.user_id, NEW.user_id); ELSIF TG_OP = 'DELETE' THEN UPDATE clinic_user SET access_stamp = floor(random() * 4611686018427387904)::bigint WHERE id = OLD.user_id; END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_caseuserobjectpermission_restamp ON cases_caseuserobjectpermission;
CREATE TRIGGER cases_caseuserobjectpermission_restamp AFTER INSERT OR UPDATE OR DELETE ON cases_caseuserobjectpermission
  FOR EACH ROW EXECUTE FUNCTION cases_caseuserobjectpermission_restamp();
""",
            "DROP TRIGGER IF EXISTS cases_caseuserobjectpermission_restamp ON cases_caseuserobjectpermission; DROP FUNCTION IF EXISTS cases_caseuserobjectpermission_restamp();",
        ),
    ],
    "sqlite": [
        (
            "cases_caseuserobjectpermission",
            "CREATE TRIGGER IF NOT EXISTS cases_caseuserobjectpermission_restamp_insert AFTER INSERT ON cases_caseuserobjectpermission BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id = NEW.user_id; END;",
            "DROP TRIGGER IF EXISTS cases_caseuserobjectpermission_restamp_insert;",
        ),
        (
            "cases_caseuserobjectpermission",
            "CREATE TRIGGER IF NOT EXISTS cases_caseuserobjectpermission_restamp_update AFTER UPDATE ON cases_caseuserobjectpermission BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id IN (OLD.user_id, NEW.user_id); END;",
            "DROP TRIGGER IF EXISTS cases_caseuserobjectpermission_restamp_update;",
        ),
        (
            "cases_caseuserobjectpermission",
            "CREATE TRIGGER IF NOT EXISTS cases_caseuserobjectpermission_restamp_delete AFTER DELETE ON cases_caseuserobjectpermission BEGIN UPDATE clinic_user SET access_stamp = abs(random() >> 2) WHERE id = OLD.user_id; END;",
            "DROP TRIGGER IF EXISTS cases_caseuserobjectpermission_restamp_delete;",
        ),
    ],
}

# clinic.0014: the audit log is append-only on both databases (on PostgreSQL the trigger of
# clinic.0003, unchanged); its retention purge deletes old entries under a permit.
AUDIT_APPEND_ONLY = {
    "postgresql": [
        (
            "clinic_auditentry",
            """
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
""",
            "DROP TRIGGER IF EXISTS clinic_audit_append_only ON clinic_auditentry; DROP FUNCTION IF EXISTS clinic_audit_append_only();",
        ),
    ],
    "sqlite": [
        (
            "clinic_auditentry",
            "CREATE TRIGGER IF NOT EXISTS clinic_audit_append_only_update BEFORE UPDATE ON clinic_auditentry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;",
            "DROP TRIGGER IF EXISTS clinic_audit_append_only_update;",
        ),
        (
            "clinic_auditentry",
            "CREATE TRIGGER IF NOT EXISTS clinic_audit_append_only_delete BEFORE DELETE ON clinic_auditentry WHEN NOT EXISTS (SELECT 1 FROM clinic_purge_permit WHERE scope = 'flush' OR (scope = 'retention' AND OLD.at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days'))) BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (DELETE refused)'); END;",
            "DROP TRIGGER IF EXISTS clinic_audit_append_only_delete;",
        ),
    ],
}

#: clinic.0003's trigger, made on PostgreSQL only (the same SQL as above): clinic.0014 drops it
#: while it seals the entries already written.
AUDIT_BEFORE_CHAIN = {"postgresql": AUDIT_APPEND_ONLY["postgresql"], "sqlite": []}

# cases.0023: the case timeline is append-only on both databases.
TIMELINE_APPEND_ONLY = {
    "postgresql": [
        (
            "cases_caseevent",
            """
CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'the case timeline is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
CREATE TRIGGER cases_caseevent_append_only
  BEFORE UPDATE OR DELETE ON cases_caseevent
  FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();
""",
            "DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent; DROP FUNCTION IF EXISTS cases_caseevent_append_only();",
        ),
    ],
    "sqlite": [
        (
            "cases_caseevent",
            "CREATE TRIGGER IF NOT EXISTS cases_caseevent_append_only_update BEFORE UPDATE ON cases_caseevent BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only (UPDATE refused)'); END;",
            "DROP TRIGGER IF EXISTS cases_caseevent_append_only_update;",
        ),
        (
            "cases_caseevent",
            "CREATE TRIGGER IF NOT EXISTS cases_caseevent_append_only_delete BEFORE DELETE ON cases_caseevent WHEN NOT EXISTS (SELECT 1 FROM clinic_purge_permit WHERE scope = 'flush') BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only (DELETE refused)'); END;",
            "DROP TRIGGER IF EXISTS cases_caseevent_append_only_delete;",
        ),
    ],
}

#: The triggers until clinic.0014 (the migrations before it that rebuild a table name this set).
ROW_FACTS = {vendor: USER_FACTS[vendor] + CASE_GRANTS[vendor] for vendor in USER_FACTS}
#: Every trigger the schema has now, in the order they were made.
LATEST = {
    vendor: ROW_FACTS[vendor] + AUDIT_APPEND_ONLY[vendor] + TIMELINE_APPEND_ONLY[vendor]
    for vendor in ROW_FACTS
}
#: The tables that carry a trigger or are written by one (the row facts update ``clinic_user``).
TABLES = frozenset(
    {"clinic_user"} | {table for entries in LATEST.values() for table, _c, _d in entries}
)


def _create(frozen: dict[str, list[tuple[str, str, str]]]) -> Any:
    def create(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        existing = set(connection.introspection.table_names())
        for table, sql, _drop in frozen[connection.vendor]:
            if table in existing:  # a later app's table may not be made yet
                schema_editor.execute(sql)

    return create


def _drop(frozen: dict[str, list[tuple[str, str, str]]]) -> Any:
    def drop(apps: Any, schema_editor: Any) -> None:
        for _table, _sql, sql in frozen[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return drop


class CreateTriggers(migrations.RunPython):
    """Make a frozen set of triggers (backwards: drop them)."""

    def __init__(self, frozen: dict[str, list[tuple[str, str, str]]]) -> None:
        super().__init__(_create(frozen), _drop(frozen))
        self.frozen = frozen


class DropTriggers(migrations.RunPython):
    """Drop a frozen set of triggers (backwards: make them again)."""

    def __init__(self, frozen: dict[str, list[tuple[str, str, str]]]) -> None:
        super().__init__(_drop(frozen), _create(frozen))
        self.frozen = frozen


def rebuilding(*operations: Any, frozen: dict[str, list[tuple[str, str, str]]] = LATEST) -> list:
    """``operations`` on tables in ``TABLES``, with the triggers dropped before and made again
    from frozen SQL after."""
    return [DropTriggers(frozen), *operations, CreateTriggers(frozen)]
