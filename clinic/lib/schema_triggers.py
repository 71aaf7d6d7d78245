"""Every row trigger the schema should hold now, as the live helpers write it: the access
stamps (``clinic.lib.stamps``), the unread-notification count on each person's row, and the
append-only audit log and case timeline (``clinic.lib.triggers.append_only_triggers``). The
migrations install frozen copies (``clinic.migrations._frozen_triggers``); a test fails when
this and the latest frozen set differ, so a change here comes with a migration."""

from __future__ import annotations

import re

from clinic.lib import stamps
from clinic.lib.triggers import append_only_triggers, row_triggers

UNREAD_ADD = (
    "UPDATE clinic_user SET unread_notifications = unread_notifications + 1 "
    "WHERE id = NEW.user_id AND NEW.read_at IS NULL;"
)
UNREAD_TAKE = (
    "UPDATE clinic_user SET unread_notifications = unread_notifications - 1 "
    "WHERE id = OLD.user_id AND OLD.read_at IS NULL;"
)
# An update moves the count only when it reads or unreads the notification or gives it to
# someone else: marking it emailed must not touch (and lock) its person's row.
_MOVED = "(NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL))"
UNREAD_UPDATE = f"{UNREAD_TAKE[:-1]} AND {_MOVED}; {UNREAD_ADD[:-1]} AND {_MOVED};"

REGIONS = (
    ("clinic_district", "district_id"),
    ("clinic_street", "street_id"),
    ("clinic_community", "community_id"),
    ("clinic_grid", "grid_id"),
)


def schema_triggers(vendor: str) -> list[tuple[str, str, str]]:
    """``(table, create, drop)`` for every trigger, in the order the migrations made them."""
    made = stamps.holder_triggers(vendor, "clinic_membership")
    for table, column in REGIONS:
        made += stamps.region_triggers(vendor, table, column)
    made += row_triggers(
        vendor,
        "clinic_notification",
        "clinic_notification_unread",
        insert=UNREAD_ADD,
        update=UNREAD_UPDATE,
        delete=UNREAD_TAKE,
    )
    made += stamps.holder_triggers(vendor, "cases_caseuserobjectpermission")
    made += append_only_triggers(
        vendor, "clinic_auditentry", "clinic_audit_append_only", what="the audit log", purge=True
    )
    made += append_only_triggers(
        vendor, "cases_caseevent", "cases_caseevent_append_only", what="the case timeline"
    )
    return [(_table(create), create, drop) for create, drop in made]


def _table(create: str) -> str:
    found = re.search(r" ON (\w+)", create)
    if found is None:
        raise ValueError(f"No table in {create!r}")
    return found.group(1)
