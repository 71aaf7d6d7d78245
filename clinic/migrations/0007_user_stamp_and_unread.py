"""Two facts the database keeps on each person's row with triggers (written by
``clinic.lib.triggers``, frozen in ``clinic.migrations._frozen_triggers``):

- ``access_stamp``, drawn anew when their memberships change or a region they hold a role in
  changes (``clinic.lib.stamps``; case grants get theirs in ``cases.0008``);
- ``unread_notifications``, moved by every notification written, read or deleted (every page
  shows it; it was a count query on every page).

Both fields come before any trigger: on SQLite, rebuilding ``clinic_user`` (as adding a field
does) fails while triggers name it, so a later migration that changes the table wraps its
operations in ``_frozen_triggers.rebuilding``.
"""

from django.db import migrations, models

import clinic.models
from clinic.migrations._frozen_triggers import USER_FACTS, CreateTriggers

COUNT = """
UPDATE clinic_user SET unread_notifications = (
  SELECT COUNT(*) FROM clinic_notification
  WHERE clinic_notification.user_id = clinic_user.id AND clinic_notification.read_at IS NULL
)
"""


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
        CreateTriggers(USER_FACTS),
    ]
