"""The notification layer (clinic.notify): a notice's key and parameters on each
notification, each person's language of notices, the delivery log, channel choices and the
communities' group robots. Adding columns to the person and the notification rebuilds those
tables on SQLite, which fails while triggers name them: those operations sit inside
``rebuilding(...)``."""

import clinic.lib.encrypted
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from clinic.migrations._frozen_triggers import rebuilding


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0021_subsidy_audit_events"),
    ]

    operations = [
        *rebuilding(
            migrations.AddField(
                model_name="notification",
                name="params",
                field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
            ),
            migrations.AddField(
                model_name="notification",
                name="template",
                field=models.CharField(blank=True, max_length=80, verbose_name="notice"),
            ),
            migrations.AddField(
                model_name="user",
                name="language",
                field=models.CharField(
                    choices=[("zh-hans", "简体中文"), ("en", "English")],
                    default="zh-hans",
                    help_text="Notices reach you in this language, whoever sends them.",
                    max_length=10,
                    verbose_name="language of notices",
                ),
            ),
        ),
        migrations.CreateModel(
            name="GroupRobot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="group")),
                (
                    "provider",
                    models.CharField(
                        choices=[
                            ("wecom", "WeCom (企业微信) group robot"),
                            ("dingtalk", "DingTalk (钉钉) group robot"),
                        ],
                        max_length=10,
                        verbose_name="robot",
                    ),
                ),
                (
                    "key",
                    clinic.lib.encrypted.EncryptedCharField(
                        max_plain_length=100, verbose_name="webhook key"
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="in use")),
                (
                    "added_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="added"),
                ),
                (
                    "added_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="added by",
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_robots",
                        to="clinic.community",
                        verbose_name="community",
                    ),
                ),
            ],
            options={
                "verbose_name": "group robot",
                "verbose_name_plural": "group robots",
                "ordering": ["community", "name"],
            },
        ),
        migrations.CreateModel(
            name="ChannelChoice",
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
                            ("case", "Cases assigned, handed on or decided"),
                            ("visit", "Home visits and sweeps"),
                            ("booking", "Clinic shifts and bookings"),
                            ("reminder", "Daily reminders of overdue work"),
                            ("report", "Reports, statements and ledgers"),
                            ("alert", "Red-risk alerts and supervision (督办)"),
                        ],
                        max_length=10,
                        verbose_name="kind of notice",
                    ),
                ),
                ("email", models.BooleanField(default=True, verbose_name="email")),
                ("sms", models.BooleanField(default=False, verbose_name="SMS")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="channel_choices",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "channel choice",
                "verbose_name_plural": "channel choices",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="one_channel_choice_per_kind"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("template", models.CharField(blank=True, max_length=80, verbose_name="notice")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("inbox", "Inbox"),
                            ("email", "Email"),
                            ("sms", "SMS"),
                            ("robot", "Group robot"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                ("address", models.CharField(blank=True, max_length=120, verbose_name="to")),
                ("address_key", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "waiting"),
                            ("sent", "sent"),
                            ("failed", "given up"),
                            ("capped", "held back: daily limit reached"),
                            ("skipped", "not sent"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "reason",
                    models.CharField(blank=True, max_length=200, verbose_name="why not sent"),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                (
                    "last_error",
                    models.CharField(blank=True, max_length=300, verbose_name="last error"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="queued"),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="next attempt"
                    ),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "notification",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="clinic.notification",
                        verbose_name="notification",
                    ),
                ),
                (
                    "robot",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="clinic.grouprobot",
                        verbose_name="group robot",
                    ),
                ),
            ],
            options={
                "verbose_name": "delivery",
                "verbose_name_plural": "deliveries",
                "ordering": ["created_at", "pk"],
                "indexes": [
                    models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
                    models.Index(
                        fields=["address_key", "template", "sent_at"], name="delivery_cap"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("notification__isnull", False), ("robot__isnull", True)),
                            models.Q(("notification__isnull", True), ("robot__isnull", False)),
                            _connector="OR",
                        ),
                        name="delivery_to_a_person_or_a_group",
                    )
                ],
            },
        ),
    ]
