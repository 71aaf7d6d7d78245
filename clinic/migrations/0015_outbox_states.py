"""The outbox records what became of a task: pending → sent → done (or failed).

Messages sent before this migration are taken as done: whether they finished was never
recorded, and sending them all again would be a flood of no-ops."""

from django.db import migrations, models
from django.db.models import F


def sent_before_were_done(apps, schema_editor):
    OutboxMessage = apps.get_model("clinic", "OutboxMessage")
    OutboxMessage.objects.filter(sent_at__isnull=False).update(
        state="done", finished_at=F("sent_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0014_audit_chain"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outboxmessage",
            name="outbox_pending",
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "waiting for the broker"),
                    ("sent", "handed to the broker"),
                    ("done", "done"),
                    ("failed", "failed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(sent_before_were_done, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "sent"])),
                fields=["state", "id"],
                name="outbox_unfinished",
            ),
        ),
    ]
