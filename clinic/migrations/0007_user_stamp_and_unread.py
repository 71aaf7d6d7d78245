"""Two facts the database keeps on each person's row with triggers (``clinic.lib.triggers``):

- ``access_stamp``, drawn anew when their memberships change or a region they hold a role in
  changes (``clinic.lib.stamps``; case grants get theirs in ``cases.0008``);
- ``unread_notifications``, moved by every notification written, read or deleted (every page
  shows it; it was a count query on every page).

Both fields come before any trigger: on SQLite, rebuilding ``clinic_user`` (as adding a field
does) fails while triggers name it, so a later migration that changes the table drops these
triggers first and makes them again after.
"""

from django.db import migrations, models

import clinic.models
from clinic.lib import stamps
from clinic.lib.triggers import operation, row_triggers

ADD = (
    "UPDATE clinic_user SET unread_notifications = unread_notifications + 1 "
    "WHERE id = NEW.user_id AND NEW.read_at IS NULL;"
)
TAKE = (
    "UPDATE clinic_user SET unread_notifications = unread_notifications - 1 "
    "WHERE id = OLD.user_id AND OLD.read_at IS NULL;"
)
# An update moves the counts only when it reads or unreads the notification or gives it to
# someone else: marking it emailed must not touch (and lock) its person's row.
MOVED = "(NEW.user_id <> OLD.user_id OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL))"
UPDATE = f"{TAKE[:-1]} AND {MOVED}; {ADD[:-1]} AND {MOVED};"
COUNT = """
UPDATE clinic_user SET unread_notifications = (
  SELECT COUNT(*) FROM clinic_notification
  WHERE clinic_notification.user_id = clinic_user.id AND clinic_notification.read_at IS NULL
)
"""


def triggers(vendor):
    made = stamps.holder_triggers(vendor, "clinic_membership")
    for table, column in (
        ("clinic_district", "district_id"),
        ("clinic_street", "street_id"),
        ("clinic_community", "community_id"),
        ("clinic_grid", "grid_id"),
    ):
        made += stamps.region_triggers(vendor, table, column)
    made += row_triggers(
        vendor,
        "clinic_notification",
        "clinic_notification_unread",
        insert=ADD,
        update=UPDATE,
        delete=TAKE,
    )
    return made


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_password_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_stamp",
            field=models.BigIntegerField(
                default=clinic.models.new_access_stamp,
                editable=False,
                help_text="Drawn anew by the database whenever the person's roles or case "
                "grants change; what they may see is cached under it.",
                verbose_name="access stamp",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="unread_notifications",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Kept by the database as notifications arrive and are read.",
                verbose_name="unread notifications",
            ),
        ),
        migrations.RunSQL(COUNT, migrations.RunSQL.noop),
        operation(triggers),
    ]
