"""The daily digest's outstanding reminders (clinic.notify.digest): one row per person and thing
they are reminded of. A new table that no trigger names: no ``rebuilding(...)``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0022_notification_layer"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="reminded about")),
                ("template", models.CharField(max_length=80, verbose_name="notice")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                ("due", models.DateField(blank=True, null=True, verbose_name="due on")),
                ("first_seen", models.DateField(verbose_name="first reminded")),
                ("last_seen", models.DateField(verbose_name="last reminded")),
                (
                    "listed_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="last in a daily reminder"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_items",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder item",
                "verbose_name_plural": "reminder items",
                "ordering": ["user", "due", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "subject"), name="one_reminder_item_per_subject"
                    )
                ],
            },
        ),
    ]
