"""The report's history: a reopened case keeps its earlier round (CaseReopening), a pending
follow-up of a settlement that no longer stands is cancelled rather than deleted, and the
court's referrals are two sources (pre-filing delegation keeps "court"; entrustment after filing
is new). Reopenings made before are filled in from the timeline and the case's field history
where these still hold them."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SETTLED_BY_FORM = {"written": "settled_written", "oral": "settled_oral"}


def keep_earlier_rounds(apps: Any, schema_editor: Any) -> None:
    """One CaseReopening per reopening the timeline records: the earlier round as the case's
    field history had it just before (else as the settlement event says)."""
    case_event = apps.get_model("cases", "CaseEvent")
    historical_case = apps.get_model("cases", "HistoricalCase")
    case_model = apps.get_model("cases", "Case")
    reopening = apps.get_model("cases", "CaseReopening")
    reopens = case_event.objects.filter(kind="transition", transition="reopen").order_by(
        "case_id", "at", "pk"
    )
    previous: dict[int, Any] = {}
    for event in reopens.iterator():
        case = case_model.objects.get(pk=event.case_id)
        before = (
            historical_case.objects.filter(id=event.case_id, history_date__lt=event.at)
            .exclude(outcome="")
            .order_by("-history_date", "-history_id")
            .first()
        )
        settle = (
            case_event.objects.filter(
                case_id=event.case_id, kind="transition", transition="settle", at__lt=event.at
            )
            .order_by("-at", "-pk")
            .first()
        )
        payload = settle.payload if settle is not None else {}
        agreement_id = payload.get("agreement") if isinstance(payload, dict) else None
        if before is not None:
            round_ = {
                "outcome": before.outcome,
                "level": before.level,
                "settled_at": before.settled_at,
                "closed_at": before.closed_at,
                "amount_agreed": before.amount_agreed,
                "mediation_due": before.mediation_due,
            }
        elif settle is not None:
            round_ = {
                "outcome": SETTLED_BY_FORM.get(str(payload.get("form")), "settled_written"),
                "level": case.level,
                "settled_at": settle.at,
            }
        else:
            continue
        agreement = apps.get_model("cases", "Agreement").objects.filter(pk=agreement_id).first()
        reopening.objects.create(
            case_id=event.case_id,
            at=event.at,
            by_id=event.actor_id,
            reason=event.note[:2000],
            accepted_at=previous.get(event.case_id, case.accepted_at),
            agreement=agreement,
            **round_,
        )
        previous[event.case_id] = event.at


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0024_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled"),
        ),
        migrations.AlterField(
            model_name="case",
            name="source",
            field=models.CharField(
                choices=[
                    ("walk_in", "Walk-in"),
                    ("grid_referral", "Grid worker referral"),
                    ("own_initiative", "Own initiative"),
                    ("police", "Police transfer"),
                    ("court", "Court delegation (pre-filing)"),
                    ("court_entrusted", "Court entrustment (after filing)"),
                    ("petitions", "Petitions office transfer"),
                    ("government", "Government assignment"),
                    ("online", "Online"),
                ],
                max_length=20,
                verbose_name="source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="source",
            field=models.CharField(
                choices=[
                    ("walk_in", "Walk-in"),
                    ("grid_referral", "Grid worker referral"),
                    ("own_initiative", "Own initiative"),
                    ("police", "Police transfer"),
                    ("court", "Court delegation (pre-filing)"),
                    ("court_entrusted", "Court entrustment (after filing)"),
                    ("petitions", "Petitions office transfer"),
                    ("government", "Government assignment"),
                    ("online", "Online"),
                ],
                max_length=20,
                verbose_name="source",
            ),
        ),
        migrations.CreateModel(
            name="CaseReopening",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="reopened"
                    ),
                ),
                ("reason", models.TextField(blank=True, max_length=2000, verbose_name="reason")),
                (
                    "accepted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="round accepted"),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("settled_written", "Settled by written agreement"),
                            ("settled_oral", "Settled by oral agreement"),
                            ("failed", "Mediation failed"),
                            ("withdrawn", "Withdrawn"),
                            ("party_refuses", "A party refuses mediation"),
                            ("declined_scope", "Declined: out of scope"),
                            ("declined_duplicate", "Declined: duplicate"),
                            ("declined_refused", "Declined: a party refuses"),
                            ("referred_out", "Referred out"),
                            ("answered", "Advice given"),
                        ],
                        max_length=25,
                        verbose_name="earlier outcome",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("community", "Community"),
                            ("street", "Street"),
                            ("referred_out", "Referred out"),
                        ],
                        max_length=15,
                        verbose_name="earlier level",
                    ),
                ),
                (
                    "settled_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="earlier settlement"),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="earlier closing"),
                ),
                (
                    "amount_agreed",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="earlier amount agreed (yuan)",
                    ),
                ),
                (
                    "mediation_due",
                    models.DateField(blank=True, null=True, verbose_name="earlier mediation due"),
                ),
                (
                    "agreement",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.agreement",
                        verbose_name="agreement then in force",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reopened by",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reopenings",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
            ],
            options={
                "verbose_name": "reopening",
                "verbose_name_plural": "reopenings",
                "ordering": ["case", "at", "pk"],
                "indexes": [models.Index(fields=["case", "at"], name="reopening_case_at")],
            },
        ),
        migrations.RunPython(keep_earlier_rounds, migrations.RunPython.noop),
    ]
