"""What mediation produces: records, agreements and their performance items, advice and files."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import (
    AgreementForm,
    AttachmentKind,
    Confirmation,
    RecordKind,
)
from cases.models.case import Case
from clinic.lib import limits
from clinic.lib.versions import Versioned


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Attachment(models.Model):
    """A scan or photo on a case, checked by content, stored outside the web root and served
    only through a view that checks access. A wrong one is withdrawn (``withdrawn_at``), not
    deleted."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    description = models.CharField(_("description"), max_length=limits.LINE, blank=True)
    party = models.ForeignKey(
        "cases.Party",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("party"),
        help_text=_("The party a power of attorney or proof of identity belongs to."),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # A wrong upload is withdrawn, never deleted: it leaves the case's files and its case file
    # (卷宗) but stays, file and row, until its retention ends (the timeline says so).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.CharField(
        _("why it was withdrawn"), max_length=limits.LINE, blank=True
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class MediationRecord(Versioned, models.Model):
    """A mediation record (调解笔录): when, where, who attended, what each side said, result;
    or, of ``kind`` investigation, an investigation record (调查记录) of the facts."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="records", verbose_name=_("case"))
    kind = models.CharField(
        _("kind of record"),
        max_length=15,
        choices=RecordKind.choices,
        default=RecordKind.MEDIATION,
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=limits.PLACE)
    attendees = models.TextField(_("attendees"), max_length=limits.NOTE)
    statements = models.TextField(_("what each side said"), max_length=limits.RECORD)
    result = models.TextField(_("result"), max_length=limits.ANSWER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    if TYPE_CHECKING:
        # Set by the papers: the title it is printed under, its statements as paragraphs.
        title: str
        paragraphs: list[tuple[str, str]]

    class Meta:
        verbose_name = _("mediation record")
        verbose_name_plural = _("mediation records")
        ordering = ["held_at", "pk"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.place}"


class Agreement(Versioned, models.Model):
    """A mediation agreement: written (调解协议书) or an oral agreement registered
    (口头协议登记). Effective once signed; then read-only: a correction is a new version."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="agreements", verbose_name=_("case")
    )
    form = models.CharField(_("form"), max_length=10, choices=AgreementForm.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(
        _("reason for correction"), max_length=limits.LINE, blank=True
    )
    facts = models.TextField(_("facts and the dispute"), max_length=limits.ANSWER)
    responsibilities = models.TextField(
        _("each side's responsibility"), max_length=limits.SUMMARY, blank=True
    )
    terms = models.TextField(_("agreed terms"), max_length=limits.ANSWER)
    performance_manner = models.TextField(
        _("how the terms are performed"), max_length=limits.SUMMARY, blank=True
    )
    performance_deadline = models.DateField(_("performed by"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=3, help_text=_("One for each party and one for the committee.")
    )
    signed_on = models.DateField(
        _("effective on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the parties signed and the committee sealed (or the oral agreement "
            "was registered)."
        ),
    )
    confirmation = models.CharField(
        _("judicial confirmation"), max_length=10, choices=Confirmation.choices, blank=True
    )
    confirmation_court = models.CharField(_("court"), max_length=limits.ORGANISATION, blank=True)
    confirmation_reference = models.CharField(
        _("court reference"), max_length=limits.REFERENCE, blank=True
    )
    confirmation_applied_on = models.DateField(_("applied on"), null=True, blank=True)
    confirmation_decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["case", "version", "pk"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def is_complete(self) -> bool:
        """Every field the law requires of this form of agreement is filled in."""
        required = [self.facts, self.terms]
        if self.form == AgreementForm.WRITTEN:
            required += [self.responsibilities, self.performance_manner]
            return all(v.strip() for v in required) and self.copies >= 2
        return all(v.strip() for v in required)


class PerformanceItem(Versioned, models.Model):
    """One thing the agreement requires by a date: an instalment, an apology, a repair."""

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="items", verbose_name=_("agreement")
    )
    description = models.CharField(_("what"), max_length=limits.LINE)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.AMOUNT_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(limits.AMOUNT_MIN)],
    )
    due_on = models.DateField(_("due on"))
    performed_on = models.DateField(_("performed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("performance item")
        verbose_name_plural = _("performance items")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.description}"


class Advice(models.Model):
    """A professional's advice on a case: who gave it, in which role, when. A judge who advised
    can later recuse from hearing the same dispute."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="advice", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    role = models.CharField(_("role"), max_length=20)
    text = models.TextField(_("advice"), max_length=limits.ANSWER)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("professional advice")
        verbose_name_plural = _("professional advice")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} {self.given_at:%Y-%m-%d}"
