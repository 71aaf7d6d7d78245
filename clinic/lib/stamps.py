"""Database triggers that give a person a new random ``access_stamp`` whenever what they may see
changes: their memberships, their case grants, or a region one of their memberships lies in.

``clinic.access.stamped`` caches what a person may see under (person, stamp), so a change made
anywhere (a view, the admin, a bulk update, a restore, a cascade) reaches every process on the
next request. The stamp is random, not a counter: a rolled-back transaction or a restored
backup never brings back a stamp that once meant other rights.

SQLite drops a table's triggers when a migration rebuilds the table; the tests of
``clinic.access`` change each watched table and fail if its trigger is gone.
"""

from __future__ import annotations

from typing import Any

USER_TABLE = "clinic_user"
#: A random positive 62-bit number, as each database writes it.
NEW_STAMP = {
    "postgresql": "floor(random() * 4611686018427387904)::bigint",
    "sqlite": "abs(random() >> 2)",
}


def _restamp(vendor: str, where: str) -> str:
    return f"UPDATE {USER_TABLE} SET access_stamp = {NEW_STAMP[vendor]} WHERE {where};"


def _postgresql(name: str, table: str, events: str, body: str) -> tuple[str, str]:
    create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
{body}
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
"""
    drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
    return create, drop


def _sqlite(name: str, table: str, event: str, body: str) -> tuple[str, str]:
    create = f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {body} END;"
    return create, f"DROP TRIGGER IF EXISTS {name};"


def holder_triggers(vendor: str, table: str, column: str = "user_id") -> list[tuple[str, str]]:
    """(create, drop) statements: a row of ``table`` naming a person in ``column`` restamps
    that person when it is inserted, changed or deleted (both people when it moves)."""
    name = f"{table}_restamp"
    if vendor == "postgresql":
        old, new = _restamp(vendor, f"id = OLD.{column}"), _restamp(vendor, f"id = NEW.{column}")
        body = (
            f"  IF TG_OP <> 'INSERT' THEN {old} END IF;\n  IF TG_OP <> 'DELETE' THEN {new} END IF;"
        )
        return [_postgresql(name, table, "INSERT OR UPDATE OR DELETE", body)]
    return [
        _sqlite(f"{name}_insert", table, "INSERT", _restamp(vendor, f"id = NEW.{column}")),
        _sqlite(
            f"{name}_update",
            table,
            "UPDATE",
            _restamp(vendor, f"id IN (OLD.{column}, NEW.{column})"),
        ),
        _sqlite(f"{name}_delete", table, "DELETE", _restamp(vendor, f"id = OLD.{column}")),
    ]


def region_triggers(vendor: str, table: str, column: str) -> list[tuple[str, str]]:
    """(create, drop) statements: changing a region (its name, code or parent) restamps
    everyone whose membership names it in ``column``."""
    name = f"{table}_restamp"
    where = f"id IN (SELECT user_id FROM clinic_membership WHERE {column} = NEW.id)"
    if vendor == "postgresql":
        return [_postgresql(name, table, "UPDATE", f"  {_restamp(vendor, where)}")]
    return [_sqlite(name, table, "UPDATE", _restamp(vendor, where))]


def operation(triggers: Any) -> Any:
    """A migration operation creating (and, backwards, dropping) ``triggers(vendor)``."""
    from django.db import migrations

    def create(apps: Any, schema_editor: Any) -> None:
        for sql, _drop in triggers(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    def drop(apps: Any, schema_editor: Any) -> None:
        for _sql, sql in triggers(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    return migrations.RunPython(create, drop)
