"""Each person's ``access_stamp``, drawn anew by triggers when their memberships change or a
region they hold a role in changes (``clinic.lib.stamps``); case grants get theirs in
``cases.0008``."""

from django.db import migrations, models

import clinic.models
from clinic.lib import stamps


def triggers(vendor):
    made = stamps.holder_triggers(vendor, "clinic_membership")
    for table, column in (
        ("clinic_district", "district_id"),
        ("clinic_street", "street_id"),
        ("clinic_community", "community_id"),
        ("clinic_grid", "grid_id"),
    ):
        made += stamps.region_triggers(vendor, table, column)
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
        stamps.operation(triggers),
    ]
