"""Row triggers written once for PostgreSQL and SQLite, for the facts the database keeps about a
person on their own row (``clinic.lib.stamps``, the unread count): kept by the database, they
hold however a row is written (a view, the admin, a bulk update, a cascade, a restore).

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
