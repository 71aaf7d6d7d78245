"""The named limits (``clinic.lib.limits``) and the one phone validator on people and clinics.

Widening ``clinic_user``'s columns rebuilds the table on SQLite, which fails while triggers
name it: those operations sit inside ``rebuilding(...)``, which drops the triggers first and
makes them again from frozen SQL after.
"""

from django.db import migrations, models

import clinic.lib.phones
from clinic.migrations._frozen_triggers import ROW_FACTS, rebuilding


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0010_form_submissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clinic",
            name="opening_notes",
            field=models.TextField(
                blank=True, max_length=500, verbose_name="opening hours and notes"
            ),
        ),
        migrations.AlterField(
            model_name="clinic",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[clinic.lib.phones.PhoneValidator()],
                verbose_name="phone",
            ),
        ),
        *rebuilding(
            migrations.AlterField(
                model_name="user",
                name="phone",
                field=models.CharField(
                    blank=True,
                    max_length=20,
                    validators=[clinic.lib.phones.PhoneValidator()],
                    verbose_name="phone",
                ),
            ),
            migrations.AlterField(
                model_name="user",
                name="qualification_no",
                field=models.CharField(
                    blank=True,
                    help_text=(
                        "Practising certificate of a lawyer, or a mediator's certificate number."
                    ),
                    max_length=100,
                    verbose_name="qualification number",
                ),
            ),
            migrations.AlterField(
                model_name="user",
                name="specialism",
                field=models.CharField(blank=True, max_length=200, verbose_name="specialism"),
            ),
            frozen=ROW_FACTS,
        ),
    ]
