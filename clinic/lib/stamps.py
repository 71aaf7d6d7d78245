"""Triggers that give a person a new random ``access_stamp`` whenever what they may see
changes: their memberships, their case grants, or a region one of their memberships lies in.

``clinic.access.stamped`` caches what a person may see under (person, stamp), so a change made
anywhere reaches every process on the next request. The stamp is random, not a counter: a
rolled-back transaction or a restored backup never brings back a stamp that once meant other
rights.
"""

from __future__ import annotations

from clinic.lib.triggers import row_triggers

#: A random positive 62-bit number, as each database draws it.
NEW_STAMP = {
    "postgresql": "floor(random() * 4611686018427387904)::bigint",
    "sqlite": "abs(random() >> 2)",
}


def _restamp(vendor: str, where: str) -> str:
    # Trigger SQL from names in our own code (tables, columns), never from input.
    return f"UPDATE clinic_user SET access_stamp = {NEW_STAMP[vendor]} WHERE {where};"  # noqa: S608


def holder_triggers(vendor: str, table: str, column: str = "user_id") -> list[tuple[str, str]]:
    """A row of ``table`` naming a person in ``column`` restamps that person when it is
    inserted, changed or deleted (both people when it moves from one to another)."""
    return row_triggers(
        vendor,
        table,
        f"{table}_restamp",
        insert=_restamp(vendor, f"id = NEW.{column}"),
        update=_restamp(vendor, f"id IN (OLD.{column}, NEW.{column})"),
        delete=_restamp(vendor, f"id = OLD.{column}"),
    )


def region_triggers(vendor: str, table: str, column: str) -> list[tuple[str, str]]:
    """Changing a region (its name, code or parent) restamps everyone whose membership names
    it in ``column``."""
    where = f"id IN (SELECT user_id FROM clinic_membership WHERE {column} = NEW.id)"  # noqa: S608
    return row_triggers(vendor, table, f"{table}_restamp", update=_restamp(vendor, where))
