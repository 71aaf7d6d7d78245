"""Home-visit requests (巡诊), who visits and the photos sent with them."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DisputeType,
    Risk,
    VisitNoteKind,
    VisitOutcome,
    VisitStatus,
)
from cases.models.case import Case
from clinic.lib import limits
from clinic.lib.encrypted import EncryptedCharField
from clinic.lib.phones import phone_validator
from clinic.lib.versions import Versioned
from clinic.models import Community, Grid
from scheduling.models import Commitment


class VisitRequestQuerySet(models.QuerySet["VisitRequest"]):
    def for_board(self) -> VisitRequestQuerySet:
        return self.select_related("grid__community", "community", "requested_by").prefetch_related(
            models.Prefetch("assignees", queryset=VisitAssignee.objects.select_related("user")),
            "photos",
        )

    def similar_to(
        self, *, grid: Grid, resident_name: str, resident_phone: str, address: str
    ) -> list[VisitRequest]:
        """Open requests of the last 24 hours in ``grid`` that may be about the same resident:
        the same phone, or the same name and building (spaces and full-width forms aside).
        One query: phones are encrypted, so they are compared after reading the grid's day of
        requests (a handful)."""
        since = timezone.now() - SIMILAR_WITHIN
        recent = (
            self.filter(grid=grid, created_at__gte=since)
            .filter(status__in=[VisitStatus.SUBMITTED, VisitStatus.SCHEDULED])
            .select_related("requested_by")
            .order_by("-created_at", "-pk")
        )
        phone, name, building = _digits(resident_phone), _plain(resident_name), _plain(address)
        return [
            other
            for other in recent
            if (phone and _digits(other.resident_phone) == phone)
            or (name == _plain(other.resident_name) and building == _plain(other.address))
        ]


#: How far back a request counts as a possible duplicate of a new one.
SIMILAR_WITHIN = timedelta(hours=24)


def _plain(text: str) -> str:
    """``text`` compared loosely: full-width forms as ASCII, no spaces, no case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def _digits(phone: str) -> str:
    """A phone's digits, without China's country code (``+86 138-1234-5678`` → 11 digits)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    return re.sub(r"^(?:0086|86)(?=1\d{10}$)", "", digits)


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.request_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class VisitRequest(Versioned, models.Model):
    """A grid worker's request for a home visit (巡诊) to a resident of their grid."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="visit_requests", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Grid, models.PROTECT, related_name="visit_requests", verbose_name=_("grid")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="visit_requests",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    resident_name = models.CharField(_("resident"), max_length=limits.NAME)
    resident_phone = EncryptedCharField(
        _("resident's phone"),
        blank=True,
        max_plain_length=limits.PHONE,
        validators=[phone_validator],
    )
    address = models.CharField(_("address (to the building)"), max_length=limits.ADDRESS)
    room = models.CharField(_("unit and room"), max_length=limits.ROOM, blank=True)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    minor = models.BooleanField(_("minor"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter or dialect"), default=False)
    problem = models.TextField(_("what the problem is"), max_length=limits.SUMMARY)
    dispute_type = models.CharField(
        _("dispute type"), max_length=25, choices=DisputeType.choices, blank=True
    )
    risk = models.CharField(_("urgency"), max_length=10, choices=Risk.choices, blank=True)
    preferred_times = models.CharField(_("preferred times"), max_length=limits.LINE, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED
    )
    visit_starts_at = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_ends_at = models.DateTimeField(_("visit until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=limits.ADDRESS, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=VisitOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("what was done"), max_length=limits.SUMMARY, blank=True)
    case = models.ForeignKey(
        Case,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_requests",
        verbose_name=_("case"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=limits.LINE, blank=True)

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("home-visit request")
        verbose_name_plural = _("home-visit requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="visit_community_status")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:visit_detail", args=[self.pk])

    @property
    def special_groups(self) -> list[str]:
        flags = [
            (self.elderly_alone, _("elderly living alone")),
            (self.disabled, _("disabled")),
            (self.minor, _("minor")),
            (self.needs_interpreter, _("needs an interpreter or dialect")),
        ]
        return [str(label) for on, label in flags if on]


class VisitAssignee(models.Model):
    """A professional sent on a home visit, with the time it takes from their calendar."""

    request = models.ForeignKey(
        VisitRequest, models.CASCADE, related_name="assignees", verbose_name=_("request")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("professional")
    )
    role = models.CharField(_("role"), max_length=20)
    commitment = models.OneToOneField(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("visiting professional")
        verbose_name_plural = _("visiting professionals")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="visit_assignee_once")
        ]

    def __str__(self) -> str:
        return str(self.user)


class VisitPhoto(models.Model):
    """A photo of a request: checked by content, GPS stripped, outside the web root."""

    request = models.ForeignKey(
        VisitRequest, models.CASCADE, related_name="photos", verbose_name=_("request")
    )
    file = models.FileField(upload_to=visit_photo_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"


class VisitNote(models.Model):
    """A line added to a request after it was sent: what a second request for the same
    resident said, merged into this one (``merged``), or the grid worker's word that this
    request, though like ``other``, is about someone or something else (``distinct``)."""

    request = models.ForeignKey(
        VisitRequest, models.CASCADE, related_name="notes", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=VisitNoteKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    text = models.TextField(_("note"), blank=True)
    other = models.ForeignKey(
        VisitRequest,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("similar request"),
    )

    class Meta:
        verbose_name = _("note on a home-visit request")
        verbose_name_plural = _("notes on home-visit requests")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} {self.get_kind_display()}"
