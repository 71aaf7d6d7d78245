"""Retention (保管期限) of case files per mediation committee: 10 years by default, counted
from 1 January of the year after a case was archived; empty keeps them permanently."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0015_outbox_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediationcommittee",
            name="retention_years",
            field=models.PositiveSmallIntegerField(
                blank=True,
                default=10,
                help_text=(
                    "How long a closed case's file (卷宗) is kept, counted from 1 January of the "
                    "year after it was archived; then its files are destroyed and its parties' "
                    "contact details removed. Leave empty to keep the files permanently."
                ),
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="retention period (years)",
            ),
        ),
    ]
