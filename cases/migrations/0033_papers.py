"""The papers (issue 22): a record is a mediation record (调解笔录) or an investigation record
(调查记录)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0032_subsidies")]

    operations = [
        migrations.AddField(
            model_name="mediationrecord",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mediation", "Mediation record"),
                    ("investigation", "Investigation record"),
                ],
                default="mediation",
                max_length=15,
                verbose_name="kind of record",
            ),
        ),
    ]
