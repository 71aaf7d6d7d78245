"""Committee reports filed upward (填报 → 审核 → 上报): ``ReportFiling``, one per committee and
period, frozen at 审核通过. The street-wide filings made before (``StatisticsFiling``) stay as
they are, read-only."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_report_history"),
        ("clinic", "0017_operators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportFiling",
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
                ("first", models.DateField(verbose_name="from")),
                ("last", models.DateField(verbose_name="until")),
                ("label", models.CharField(max_length=40, verbose_name="period")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("filed", "Filed, awaiting review"),
                            ("returned", "Returned"),
                            ("approved", "Approved (frozen)"),
                            ("reported", "Reported upward"),
                        ],
                        default="filed",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("snapshot", models.JSONField(default=dict, verbose_name="figures as filed")),
                (
                    "notes",
                    models.JSONField(
                        default=list,
                        help_text="Each warning of the checks, with the note the filer wrote "
                        "for it.",
                        verbose_name="notes on the warnings",
                    ),
                ),
                (
                    "filed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="filed"),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
                ),
                (
                    "return_reason",
                    models.TextField(
                        blank=True, max_length=2000, verbose_name="reason for returning"
                    ),
                ),
                (
                    "reported_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reported upward"),
                ),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="report_filings",
                        to="clinic.mediationcommittee",
                        verbose_name="mediation committee",
                    ),
                ),
                (
                    "filed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="filed by",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reported by",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "committee report",
                "verbose_name_plural": "committee reports",
                "ordering": [
                    "-first",
                    "committee__street__code",
                    "committee__level",
                    "committee__name",
                ],
                "indexes": [
                    models.Index(fields=["state", "last"], name="report_filing_state_last")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("committee", "first", "last"), name="report_filed_once_per_period"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("first__lte", models.F("last"))),
                        name="report_period_in_order",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "returned"), _negated=True),
                            models.Q(("return_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="report_returned_with_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state__in", ("approved", "reported")), _negated=True),
                            ("reviewed_by__isnull", False),
                            _connector="OR",
                        ),
                        name="report_reviewed_before_frozen",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "reported"), _negated=True),
                            ("reported_by__isnull", False),
                            _connector="OR",
                        ),
                        name="report_reported_by_someone",
                    ),
                ],
            },
        ),
    ]
