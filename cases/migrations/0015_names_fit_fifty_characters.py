"""Party and resident names longer than 50 characters are cut to 50, so that the next
migration can make the columns 50 characters long (PostgreSQL refuses to shorten a column
that holds longer values)."""

from django.db import migrations
from django.db.models.functions import Left, Length

NAME = 50

NAMES = [("Party", "name"), ("HistoricalParty", "name"), ("VisitRequest", "resident_name")]


def cut_long_names(apps, schema_editor):
    for model_name, field in NAMES:
        model = apps.get_model("cases", model_name)
        model.objects.annotate(length=Length(field)).filter(length__gt=NAME).update(
            **{field: Left(field, NAME)}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_visit_notes")]

    operations = [migrations.RunPython(cut_long_names, migrations.RunPython.noop)]
