"""预防效果 and what went wrong after a settlement (issue 22): the case's three further
prevention flags with their persons (防止引起自杀, 群体性械斗, 群体性事件), each flag held to its
persons (at least one when flagged, none when not), and the setbacks a follow-up records."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0029_sweeps")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="prevented_suicide",
            field=models.BooleanField(
                default=False, help_text="防止引起自杀", verbose_name="suicide prevented"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="prevented_suicide_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (suicide)"),
        ),
        migrations.AddField(
            model_name="case",
            name="prevented_fight",
            field=models.BooleanField(
                default=False, help_text="防止群体性械斗", verbose_name="mass fight prevented"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="prevented_fight_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (fight)"),
        ),
        migrations.AddField(
            model_name="case",
            name="prevented_incident",
            field=models.BooleanField(
                default=False, help_text="防止群体性事件", verbose_name="mass incident prevented"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="prevented_incident_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (incident)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_suicide",
            field=models.BooleanField(
                default=False, help_text="防止引起自杀", verbose_name="suicide prevented"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_suicide_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (suicide)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_fight",
            field=models.BooleanField(
                default=False, help_text="防止群体性械斗", verbose_name="mass fight prevented"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_fight_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (fight)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_incident",
            field=models.BooleanField(
                default=False, help_text="防止群体性事件", verbose_name="mass incident prevented"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="prevented_incident_persons",
            field=models.PositiveIntegerField(default=0, verbose_name="persons (incident)"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("prevented_criminal", True), ("prevented_criminal_persons__gte", 1)),
                    models.Q(("prevented_criminal", False), ("prevented_criminal_persons", 0)),
                    _connector="OR",
                ),
                name="prevented_criminal_has_persons",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("prevented_suicide", True), ("prevented_suicide_persons__gte", 1)),
                    models.Q(("prevented_suicide", False), ("prevented_suicide_persons", 0)),
                    _connector="OR",
                ),
                name="prevented_suicide_has_persons",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("prevented_petition", True), ("prevented_petition_persons__gte", 1)),
                    models.Q(("prevented_petition", False), ("prevented_petition_persons", 0)),
                    _connector="OR",
                ),
                name="prevented_petition_has_persons",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("prevented_fight", True), ("prevented_fight_persons__gte", 1)),
                    models.Q(("prevented_fight", False), ("prevented_fight_persons", 0)),
                    _connector="OR",
                ),
                name="prevented_fight_has_persons",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("prevented_incident", True), ("prevented_incident_persons__gte", 1)),
                    models.Q(("prevented_incident", False), ("prevented_incident_persons", 0)),
                    _connector="OR",
                ),
                name="prevented_incident_has_persons",
            ),
        ),
        migrations.AddField(
            model_name="followup",
            name="setback_note",
            field=models.TextField(
                blank=True, max_length=500, verbose_name="about what went wrong"
            ),
        ),
        migrations.CreateModel(
            name="FollowUpSetback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("criminal", "Turned into a criminal case"),
                            ("petition", "Led to a mass petition"),
                            ("incident", "Led to a mass incident"),
                            ("changed", "Agreement changed by a court"),
                            ("revoked", "Agreement revoked by a court"),
                            ("invalid", "Agreement declared invalid by a court"),
                            ("payment_order", "Payment order applied for"),
                        ],
                        max_length=15,
                        verbose_name="what went wrong",
                    ),
                ),
                (
                    "follow_up",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="setbacks",
                        to="cases.followup",
                        verbose_name="follow-up",
                    ),
                ),
            ],
            options={
                "verbose_name": "setback after settlement",
                "verbose_name_plural": "setbacks after settlement",
                "ordering": ["follow_up", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("follow_up", "kind"), name="one_setback_of_a_kind"
                    )
                ],
            },
        ),
    ]
