"""矛盾纠纷排查: the sweeps ledger and the disputes each sweep found (issue 22)."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_case_difficulty"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSweep",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "day",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="date of the sweep"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("scheduled", "scheduled sweep"), ("special", "special sweep")],
                        default="scheduled",
                        max_length=10,
                        verbose_name="kind of sweep",
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        help_text="Buildings, a market, or the topic of a special sweep.",
                        max_length=200,
                        verbose_name="what was swept",
                    ),
                ),
                (
                    "participants",
                    models.CharField(blank=True, max_length=200, verbose_name="who took part"),
                ),
                (
                    "households",
                    models.PositiveIntegerField(default=0, verbose_name="households visited"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.community",
                        verbose_name="community",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Blank for a sweep of the whole community.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.grid",
                        verbose_name="grid",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical sweep for disputes",
                "verbose_name_plural": "historical sweeps for disputes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Sweep",
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
                    "day",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="date of the sweep"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("scheduled", "scheduled sweep"), ("special", "special sweep")],
                        default="scheduled",
                        max_length=10,
                        verbose_name="kind of sweep",
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        help_text="Buildings, a market, or the topic of a special sweep.",
                        max_length=200,
                        verbose_name="what was swept",
                    ),
                ),
                (
                    "participants",
                    models.CharField(blank=True, max_length=200, verbose_name="who took part"),
                ),
                (
                    "households",
                    models.PositiveIntegerField(default=0, verbose_name="households visited"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded"
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sweeps",
                        to="clinic.community",
                        verbose_name="community",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        blank=True,
                        help_text="Blank for a sweep of the whole community.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sweeps",
                        to="clinic.grid",
                        verbose_name="grid",
                    ),
                ),
            ],
            options={
                "verbose_name": "sweep for disputes",
                "verbose_name_plural": "sweeps for disputes",
                "ordering": ["-day", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalSweepFinding",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "description",
                    models.CharField(max_length=200, verbose_name="what the dispute is"),
                ),
                ("persons", models.PositiveIntegerField(default=2, verbose_name="people involved")),
                (
                    "prevented",
                    models.BooleanField(
                        default=False, verbose_name="settled on the spot or prevented"
                    ),
                ),
                (
                    "prevention_note",
                    models.CharField(blank=True, max_length=200, verbose_name="what was done"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.visitrequest",
                        verbose_name="home-visit request",
                    ),
                ),
                (
                    "sweep",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.sweep",
                        verbose_name="sweep",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical dispute found in a sweep",
                "verbose_name_plural": "historical disputes found in sweeps",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SweepFinding",
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
                    "description",
                    models.CharField(max_length=200, verbose_name="what the dispute is"),
                ),
                ("persons", models.PositiveIntegerField(default=2, verbose_name="people involved")),
                (
                    "prevented",
                    models.BooleanField(
                        default=False, verbose_name="settled on the spot or prevented"
                    ),
                ),
                (
                    "prevention_note",
                    models.CharField(blank=True, max_length=200, verbose_name="what was done"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sweep_findings",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "sweep",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="findings",
                        to="cases.sweep",
                        verbose_name="sweep",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sweep_findings",
                        to="cases.visitrequest",
                        verbose_name="home-visit request",
                    ),
                ),
            ],
            options={
                "verbose_name": "dispute found in a sweep",
                "verbose_name_plural": "disputes found in sweeps",
                "ordering": ["sweep", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="sweep",
            index=models.Index(fields=["community", "day"], name="sweep_community_day"),
        ),
        migrations.AddConstraint(
            model_name="sweepfinding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("prevented", False),
                    models.Q(("prevention_note", ""), _negated=True),
                    _connector="OR",
                ),
                name="sweep_finding_prevented_says_how",
            ),
        ),
        migrations.AddConstraint(
            model_name="sweepfinding",
            constraint=models.CheckConstraint(
                condition=models.Q(("persons__gte", 1)), name="sweep_finding_persons"
            ),
        ),
    ]
