"""Every record two people can edit carries a row version (``clinic.lib.versions``): here a
person and a membership. Adding a column rebuilds the table on SQLite, which fails while
triggers name it: the operations sit inside ``rebuilding(...)``."""

from django.db import migrations, models

from clinic.migrations._frozen_triggers import ROW_FACTS, rebuilding


def row_version():
    return models.PositiveIntegerField(default=1, editable=False, verbose_name="edit version")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0012_audit_lookup_and_undo"),
    ]

    operations = [
        *rebuilding(
            migrations.AddField(model_name="membership", name="row_version", field=row_version()),
            migrations.AddField(model_name="user", name="row_version", field=row_version()),
            frozen=ROW_FACTS,
        ),
    ]
