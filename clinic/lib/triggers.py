"""Row triggers written once for PostgreSQL and SQLite: the facts the database keeps about a
person on their own row (``clinic.lib.stamps``, the unread count), and the tables that are
append-only (the audit log, the case timeline). Kept by the database, they hold however a row is
written (a view, the admin, a bulk update, a cascade, a restore, raw SQL).

Each body is SQL statements that read ``NEW`` (insert, update) and ``OLD`` (update, delete),
valid in both databases. Migrations do not call these helpers: they run the SQL frozen in
``clinic.migrations._frozen_triggers`` (what the schema should hold now is
``clinic.lib.schema_triggers``, and a test keeps the two equal). On SQLite a migration that
rebuilds a table (as most schema changes do there) silently drops that table's triggers, and
fails on ``clinic_user`` while triggers name it: such a migration wraps its operations in
``_frozen_triggers.rebuilding``. Each trigger's tests change its table and fail if it is gone.
"""

from __future__ import annotations


def row_triggers(
    vendor: str,
    table: str,
    name: str,
    *,
    insert: str = "",
    update: str = "",
    delete: str = "",
) -> list[tuple[str, str]]:
    """``(create, drop)`` statements running each body after that change to a row of
    ``table``."""
    bodies = {"INSERT": insert, "UPDATE": update, "DELETE": delete}
    bodies = {event: body for event, body in bodies.items() if body}
    if vendor == "postgresql":
        branches = " ELS".join(
            f"IF TG_OP = '{event}' THEN {body}" for event, body in bodies.items()
        )
        create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  {branches} END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER {" OR ".join(bodies)} ON {table}
  FOR EACH ROW EXECUTE FUNCTION {name}();
"""
        drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
        return [(create, drop)]
    return [
        (
            f"CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {body} END;",
            f"DROP TRIGGER IF EXISTS {name}_{event.lower()};",
        )
        for event, body in bodies.items()
    ]


#: SQLite has no session settings: a delete that an append-only table lets through is permitted
#: by a row of this table (made by ``clinic.0014`` on SQLite only, unknown to Django's models and
#: so to its flush), written and removed again inside the deleting transaction. ``retention``
#: lets the audit log's retention purge delete entries older than ``RETENTION_DAYS``; ``flush``
#: lets the test database's teardown empty the tables (``tests/conftest.py``).
PERMIT_TABLE = "clinic_purge_permit"
#: The audit log is kept at least this long: no permit deletes a younger entry.
RETENTION_DAYS = 180


def append_only_triggers(
    vendor: str, table: str, name: str, *, what: str, purge: bool = False
) -> list[tuple[str, str]]:
    """``(create, drop)`` statements refusing every UPDATE and DELETE of a row of ``table``
    (``what`` names it in the error), before it happens. With ``purge``, a delete of a row whose
    ``at`` is older than ``RETENTION_DAYS`` passes when the transaction has said it is the
    retention purge: on PostgreSQL with ``SET LOCAL clinic.audit_purge = 'on'``, on SQLite with
    a ``retention`` permit. On SQLite a ``flush`` permit lets every delete through (PostgreSQL's
    flush is TRUNCATE, which row triggers do not see)."""
    message = f"{what} is append-only"
    if vendor == "postgresql":
        passes = (
            "IF TG_OP = 'DELETE'\n"
            "     AND current_setting('clinic.audit_purge', true) = 'on'\n"
            f"     AND OLD.at < now() - interval '{RETENTION_DAYS} days' THEN\n"
            "    RETURN OLD;\n"
            "  END IF;\n  "
            if purge
            else ""
        )
        create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  {passes}RAISE EXCEPTION USING MESSAGE = '{message} (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name}
  BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {name}();
"""
        drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
        return [(create, drop)]
    permits = "scope = 'flush'"
    if purge:
        old = f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{RETENTION_DAYS} days')"
        permits += f" OR (scope = 'retention' AND OLD.at < {old})"
    refuse = "BEGIN SELECT RAISE(ABORT, '{message} ({event} refused)'); END;"
    # Trigger SQL from names in our own code, never from input.
    unless_permitted = f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE {permits}) "  # noqa: S608
    return [
        (
            f"CREATE TRIGGER IF NOT EXISTS {name}_update BEFORE UPDATE ON {table} "
            + refuse.format(message=message, event="UPDATE"),
            f"DROP TRIGGER IF EXISTS {name}_update;",
        ),
        (
            f"CREATE TRIGGER IF NOT EXISTS {name}_delete BEFORE DELETE ON {table} "
            + unless_permitted
            + refuse.format(message=message, event="DELETE"),
            f"DROP TRIGGER IF EXISTS {name}_delete;",
        ),
    ]


def grant_permit(scope: str) -> str:
    """SQLite: the statement that permits the deletes of ``scope`` (``retention``, ``flush``)
    until ``REVOKE_PERMITS``; both in the deleting transaction."""
    if scope not in ("retention", "flush"):
        raise ValueError(f"No permit for {scope!r}")
    return f"INSERT INTO {PERMIT_TABLE} (scope) VALUES ('{scope}');"  # noqa: S608


REVOKE_PERMITS = f"DELETE FROM {PERMIT_TABLE};"  # noqa: S608
