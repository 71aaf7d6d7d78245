"""Retention: when a case's file was destroyed at the end of its retention period, and the
timeline event that says so."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_timeline_append_only"),
        ("clinic", "0016_retention_periods"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="case file destroyed"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="case file destroyed"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("registered", "Registered"),
                    ("transition", "State changed"),
                    ("edited", "Edited"),
                    ("party", "Party changed"),
                    ("consent", "Consent or notice recorded"),
                    ("assigned", "Assigned"),
                    ("recused", "Mediator recused"),
                    ("escalated", "Escalated to the street"),
                    ("extended", "Deadline extended"),
                    ("deadline_moved", "Deadline moved with the holiday schedule"),
                    ("record", "Mediation record"),
                    ("agreement", "Agreement"),
                    ("confirmation", "Judicial confirmation"),
                    ("advice", "Professional advice"),
                    ("consultation", "Joint consultation"),
                    ("follow_up", "Follow-up"),
                    ("attachment", "Attachment"),
                    ("visit", "Home visit"),
                    ("reassigned", "Open work handed on"),
                    ("reminder", "Reminder sent"),
                    ("archived", "Archived"),
                    ("withdrawn", "File withdrawn"),
                    ("purged", "Case file destroyed at the end of its retention period"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
