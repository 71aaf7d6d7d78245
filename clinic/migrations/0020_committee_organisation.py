"""The committee as an organisation (issue 22): a code (调委会编码) and a type (调委会类型) on every
committee, with the field, the place or the mediator a type needs; committees that hold no
cases (企事业, 行业专业, 派驻, 个人调解工作室: no level, community or prefix); members with their
positions, trainings, and the seal-use record. Existing committees become 村居 (community
level) or 乡镇街道 (street level), each with a code made of its region's division code and the
type's two digits."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

KINDS = [
    ("village", "Village or residents' committee"),
    ("township", "Township or street"),
    ("enterprise", "Enterprise or institution"),
    ("professional", "Trade or professional"),
    ("stationed", "Stationed"),
    ("studio", "Personal mediation studio"),
]


def fill_kinds_and_codes(apps, schema_editor):
    committee_model = apps.get_model("clinic", "MediationCommittee")
    taken: set[str] = set()
    for committee in committee_model.objects.select_related("community", "street").order_by("pk"):
        if committee.level == "street":
            committee.kind, region, digits = "township", committee.street.code, "02"
        else:
            committee.kind, region, digits = "village", committee.community.code, "01"
        code = f"{region}{digits}"
        if code in taken:
            code = f"{code}{committee.pk}"
        taken.add(code)
        committee.code = code
        committee.save(update_fields=["kind", "code"])


class Migration(migrations.Migration):
    dependencies = [("clinic", "0018_report_audit_events")]

    operations = [
        migrations.RemoveConstraint(
            model_name="mediationcommittee",
            name="committee_level_matches_community",
        ),
        migrations.AddField(
            model_name="mediationcommittee",
            name="code",
            field=models.CharField(
                default="",
                help_text="The code the province gives the committee (调委会编码).",
                max_length=30,
                verbose_name="committee code",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="mediationcommittee",
            name="kind",
            field=models.CharField(
                choices=KINDS, default="village", max_length=15, verbose_name="committee type"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="mediationcommittee",
            name="field",
            field=models.CharField(
                blank=True,
                choices=[
                    ("medical", "Medical"),
                    ("traffic", "Road traffic"),
                    ("property", "Property management"),
                    ("labour", "Labour"),
                    ("family", "Marriage and family"),
                    ("consumer", "Consumer"),
                    ("finance", "Finance"),
                    ("other", "Other"),
                ],
                help_text="For a trade or professional committee: the disputes it serves.",
                max_length=15,
                verbose_name="field",
            ),
        ),
        migrations.AddField(
            model_name="mediationcommittee",
            name="stationed_at",
            field=models.CharField(
                blank=True,
                help_text="For a stationed committee: the court, police station or office it "
                "sits in.",
                max_length=100,
                verbose_name="stationed at",
            ),
        ),
        migrations.AddField(
            model_name="mediationcommittee",
            name="studio_mediator",
            field=models.CharField(
                blank=True,
                help_text="For a personal mediation studio: the mediator it is named after.",
                max_length=50,
                verbose_name="studio's mediator",
            ),
        ),
        migrations.AlterField(
            model_name="mediationcommittee",
            name="case_prefix",
            field=models.CharField(
                blank=True,
                help_text="For example 盘金",
                max_length=10,
                verbose_name="case-number prefix",
            ),
        ),
        migrations.AlterField(
            model_name="mediationcommittee",
            name="level",
            field=models.CharField(
                blank=True,
                choices=[("community", "Community committee"), ("street", "Street committee")],
                max_length=10,
                verbose_name="level",
            ),
        ),
        migrations.RunPython(fill_kinds_and_codes, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="mediationcommittee",
            name="code",
            field=models.CharField(
                help_text="The code the province gives the committee (调委会编码).",
                max_length=30,
                unique=True,
                verbose_name="committee code",
            ),
        ),
        migrations.AddConstraint(
            model_name="mediationcommittee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("community__isnull", False), ("kind", "village"), ("level", "community")
                    ),
                    models.Q(("community", None), ("kind", "township"), ("level", "street")),
                    models.Q(
                        ("case_prefix", ""),
                        ("community", None),
                        ("level", ""),
                        models.Q(("kind__in", ("village", "township")), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="committee_level_matches_community",
            ),
        ),
        migrations.AddConstraint(
            model_name="mediationcommittee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("level", ""), models.Q(("case_prefix", ""), _negated=True), _connector="OR"
                ),
                name="case_holding_committee_has_prefix",
            ),
        ),
        migrations.AddConstraint(
            model_name="mediationcommittee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("kind", "professional"), _negated=True),
                        models.Q(("field", ""), _negated=True),
                        _connector="OR",
                    ),
                    models.Q(
                        models.Q(("kind", "stationed"), _negated=True),
                        models.Q(("stationed_at", ""), _negated=True),
                        _connector="OR",
                    ),
                    models.Q(
                        models.Q(("kind", "studio"), _negated=True),
                        models.Q(("studio_mediator", ""), _negated=True),
                        _connector="OR",
                    ),
                ),
                name="committee_kind_details",
            ),
        ),
        migrations.AddConstraint(
            model_name="mediationcommittee",
            constraint=models.UniqueConstraint(
                condition=models.Q(("case_prefix", ""), _negated=True),
                fields=("case_prefix",),
                name="one_committee_per_case_prefix",
            ),
        ),
        migrations.CreateModel(
            name="CommitteeMember",
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
                ("name", models.CharField(max_length=50, verbose_name="name")),
                (
                    "position",
                    models.CharField(
                        choices=[
                            ("director", "Director"),
                            ("deputy", "Deputy director"),
                            ("member", "Committee member"),
                            ("mediator", "Mediator"),
                        ],
                        max_length=10,
                        verbose_name="position",
                    ),
                ),
                (
                    "employment",
                    models.CharField(
                        choices=[("full_time", "Full-time"), ("part_time", "Part-time")],
                        max_length=10,
                        verbose_name="full- or part-time",
                    ),
                ),
                (
                    "certificate_no",
                    models.CharField(
                        blank=True, max_length=30, verbose_name="mediator's certificate number"
                    ),
                ),
                (
                    "started_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="in office from"
                    ),
                ),
                (
                    "ended_on",
                    models.DateField(blank=True, null=True, verbose_name="in office until"),
                ),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="clinic.mediationcommittee",
                        verbose_name="committee",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committee_positions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user account",
                    ),
                ),
            ],
            options={
                "verbose_name": "committee member",
                "verbose_name_plural": "committee members",
                "ordering": ["committee", "ended_on", "position", "name", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="committee_member_has_name",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ended_on", None),
                            ("ended_on__gte", models.F("started_on")),
                            _connector="OR",
                        ),
                        name="committee_member_ends_after_start",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("ended_on", None), ("user__isnull", False)),
                        fields=("committee", "user"),
                        name="one_current_position_per_user_and_committee",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TrainingRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField(verbose_name="date")),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                ("topic", models.CharField(max_length=200, verbose_name="topic")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="trainings",
                        to="clinic.committeemember",
                        verbose_name="member",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "training",
                "verbose_name_plural": "trainings",
                "ordering": ["-held_on", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("hours__gt", 0)), name="training_has_hours"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SealUse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("used_on", models.DateField(verbose_name="date")),
                (
                    "document",
                    models.CharField(
                        choices=[
                            ("agreement", "Mediation agreement"),
                            ("oral_agreement", "Oral agreement register"),
                            ("certificate", "Certificate of mediation"),
                            ("confirmation", "Judicial confirmation papers"),
                            ("notice", "Notice to parties"),
                            ("letter", "Letter or certificate"),
                            ("report", "Report or statistics"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="document",
                    ),
                ),
                (
                    "case_number",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty if no case.",
                        max_length=40,
                        verbose_name="case number",
                    ),
                ),
                (
                    "copies",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(500),
                        ],
                        verbose_name="copies",
                    ),
                ),
                ("purpose", models.CharField(max_length=200, verbose_name="purpose")),
                ("applicant", models.CharField(max_length=50, verbose_name="applied by")),
                ("approved_by", models.CharField(max_length=50, verbose_name="approved by")),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded"
                    ),
                ),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal_uses",
                        to="clinic.mediationcommittee",
                        verbose_name="committee",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "seal use",
                "verbose_name_plural": "seal uses",
                "ordering": ["-used_on", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("copies__gte", 1)), name="seal_use_has_copies"
                    ),
                ],
            },
        ),
    ]
