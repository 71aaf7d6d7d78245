"""以案定补: a district's subsidy rule by month, the reviews of concluded cases' files (卷宗评查)
and the mediators' monthly statements as approved (frozen)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0031_parties_subtypes"),
        ("clinic", "0001_regions_people_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SubsidyRule",
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
                    "valid_from",
                    models.DateField(
                        help_text="The first month the rule pays for.", verbose_name="in force from"
                    ),
                ),
                ("rates", models.JSONField(default=dict, verbose_name="rates per case")),
                (
                    "file_bonus",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0"),
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="extra for a file that passed review (yuan)",
                    ),
                ),
                (
                    "monthly_cap",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Leave empty for no cap.",
                        max_digits=10,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="cap per mediator and month (yuan)",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        help_text="The county's document the rule follows, e.g. 盘司发〔2026〕5号.",
                        max_length=200,
                        verbose_name="basis",
                    ),
                ),
                (
                    "changed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="last changed"
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="last changed by",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subsidy_rules",
                        to="clinic.district",
                        verbose_name="district",
                    ),
                ),
            ],
            options={
                "verbose_name": "subsidy rule",
                "verbose_name_plural": "subsidy rules",
                "ordering": ["district", "-valid_from"],
            },
        ),
        migrations.CreateModel(
            name="SubsidyStatement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="month")),
                ("lines", models.JSONField(default=list, verbose_name="lines")),
                (
                    "subtotal",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="before the cap (yuan)",
                    ),
                ),
                (
                    "cap",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=10,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="cap (yuan)",
                    ),
                ),
                (
                    "total",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="total (yuan)",
                    ),
                ),
                (
                    "approved_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="approved"
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approved by",
                    ),
                ),
                (
                    "mediator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subsidy_statements",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="mediator",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="statements",
                        to="cases.subsidyrule",
                        verbose_name="rule applied",
                    ),
                ),
                (
                    "street",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subsidy_statements",
                        to="clinic.street",
                        verbose_name="street",
                    ),
                ),
            ],
            options={
                "verbose_name": "subsidy statement",
                "verbose_name_plural": "subsidy statements",
                "ordering": ["-month", "street", "mediator"],
            },
        ),
        migrations.CreateModel(
            name="FileReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        choices=[("passed", "Passed"), ("failed", "Failed")],
                        max_length=10,
                        verbose_name="verdict",
                    ),
                ),
                ("defects", models.JSONField(blank=True, default=list, verbose_name="reasons")),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="remarks")),
                (
                    "reviewed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="reviewed"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="file_reviews",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewer",
                    ),
                ),
            ],
            options={
                "verbose_name": "case file review",
                "verbose_name_plural": "case file reviews",
                "ordering": ["-reviewed_at", "-pk"],
                "indexes": [
                    models.Index(fields=["case", "-reviewed_at"], name="file_review_case_newest")
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="subsidyrule",
            constraint=models.UniqueConstraint(
                fields=("district", "valid_from"), name="one_subsidy_rule_per_month"
            ),
        ),
        migrations.AddConstraint(
            model_name="subsidystatement",
            constraint=models.UniqueConstraint(
                fields=("street", "mediator", "month"), name="one_statement_per_mediator_month"
            ),
        ),
    ]
