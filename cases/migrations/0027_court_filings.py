"""万人成讼率: the court's civil first-instance filings per community and month."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_report_filings"),
        ("clinic", "0017_operators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CourtFilingCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "row_version",
                    models.PositiveIntegerField(
                        default=1, editable=False, verbose_name="edit version"
                    ),
                ),
                (
                    "month",
                    models.DateField(help_text="The first day of the month.", verbose_name="month"),
                ),
                (
                    "civil_first_instance",
                    models.PositiveIntegerField(verbose_name="civil first-instance filings"),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("imported", "imported from the court's file"),
                            ("typed", "typed in"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                ("file_name", models.CharField(blank=True, max_length=200, verbose_name="file")),
                (
                    "entered_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="entered"),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="court_filings",
                        to="clinic.community",
                        verbose_name="community",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
            ],
            options={
                "verbose_name": "court filing figure",
                "verbose_name_plural": "court filing figures",
                "ordering": ["-month", "community__code"],
                "constraints": [
                    models.UniqueConstraint(fields=("community", "month"), name="court_figure_once")
                ],
            },
        ),
    ]
