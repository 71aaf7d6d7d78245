"""What the notification layer keeps besides the inbox: each delivery through a channel (the
delivery log), each person's channels per kind of notice, and the communities' group robots.

Imported by ``clinic.models``: these are the clinic app's models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.lib.encrypted import EncryptedCharField
from clinic.notify.notices import Kind


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ROBOT = "robot", _("Group robot")


#: The channels a person chooses per kind (the inbox always has every notice).
PERSONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


class RobotProvider(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信) group robot")
    DINGTALK = "dingtalk", _("DingTalk (钉钉) group robot")


class GroupRobot(models.Model):
    """A community's group (the legal adviser's group, the grid group) reached through its
    robot's webhook: duty notices and published items go to it. The webhook key is a secret:
    it is stored encrypted and never shown again once saved."""

    community = models.ForeignKey(
        "clinic.Community",
        models.CASCADE,
        related_name="group_robots",
        verbose_name=_("community"),
    )
    name = models.CharField(_("group"), max_length=60)
    provider = models.CharField(_("robot"), max_length=10, choices=RobotProvider.choices)
    key = EncryptedCharField(_("webhook key"), max_plain_length=100)
    active = models.BooleanField(_("in use"), default=True)
    added_by = models.ForeignKey(
        "clinic.User", models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["community", "name"]

    def __str__(self) -> str:
        return f"{self.community} · {self.name}"


class ChannelChoice(models.Model):
    """A person's channels for one kind of notice, where they changed the default
    (``clinic.notify.preferences.DEFAULTS``)."""

    user = models.ForeignKey(
        "clinic.User", models.CASCADE, related_name="channel_choices", verbose_name=_("person")
    )
    kind = models.CharField(_("kind of notice"), max_length=10, choices=Kind.choices)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(pgettext_lazy("channel", "SMS"), default=False)

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_channel_choice_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class Delivery(models.Model):
    """One notice sent (or to be sent) through one channel: to a person (``notification``) or
    to a community's group (``robot``). Kept as the delivery log: its state, the attempts, the
    last error. A delivery that failed is tried again (``next_attempt_at``) until it is sent or
    gives up; none is lost while a gateway is down."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery", "waiting")
        SENT = "sent", pgettext_lazy("delivery", "sent")
        FAILED = "failed", pgettext_lazy("delivery", "given up")
        CAPPED = "capped", pgettext_lazy("delivery", "held back: daily limit reached")
        SKIPPED = "skipped", pgettext_lazy("delivery", "not sent")

    notification = models.ForeignKey(
        "clinic.Notification",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    robot = models.ForeignKey(
        GroupRobot,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("group robot"),
    )
    # a group message's notice (a person's is their notification's)
    template = models.CharField(_("notice"), max_length=80, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # to whom, as the log shows it (a phone masked) and as the daily cap counts it (a keyed hash)
    address = models.CharField(_("to"), max_length=120, blank=True)
    address_key = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    reason = models.CharField(_("why not sent"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="delivery_to_a_person_or_a_group",
                condition=Q(notification__isnull=False, robot__isnull=True)
                | Q(notification__isnull=True, robot__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["address_key", "template", "sent_at"], name="delivery_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address} ({self.get_state_display()})"


class ReminderItem(models.Model):
    """A thing a person is reminded of in their daily digest (``clinic.notify.digest``) while
    it is outstanding: an overdue or due case, follow-up, report … (``subject``, the same key
    every day), with the notice and parameters that name it, rendered when the digest is read.
    ``last_seen`` is the last day a reminder sender found it outstanding; ``listed_on`` the day
    of the last digest that listed it (none yet: it is new to the person)."""

    user = models.ForeignKey(
        "clinic.User", models.CASCADE, related_name="reminder_items", verbose_name=_("person")
    )
    subject = models.CharField(_("reminded about"), max_length=200)
    template = models.CharField(_("notice"), max_length=80)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due = models.DateField(_("due on"), null=True, blank=True)
    first_seen = models.DateField(_("first reminded"))
    last_seen = models.DateField(_("last reminded"))
    listed_on = models.DateField(_("last in a daily reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder item")
        verbose_name_plural = _("reminder items")
        ordering = ["user", "due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject"], name="one_reminder_item_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.subject}"
