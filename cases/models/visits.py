"""Home-visit requests (巡诊), who visits and the photos sent with them."""

from __future__ import annotations

import uuid

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
from clinic.lib.encrypted import EncryptedCharField
from clinic.models import Community, Grid
from scheduling.models import Commitment


class VisitRequestQuerySet(models.QuerySet["VisitRequest"]):
    def for_board(self) -> VisitRequestQuerySet:
        return self.select_related("grid__community", "community", "requested_by").prefetch_related(
            models.Prefetch("assignees", queryset=VisitAssignee.objects.select_related("user")),
            "photos",
        )


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.request_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class VisitRequest(models.Model):
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
    resident_name = models.CharField(_("resident"), max_length=60)
    resident_phone = EncryptedCharField(_("resident's phone"), blank=True, max_plain_length=20)
    address = models.CharField(_("address (to the building)"), max_length=200)
    room = models.CharField(_("unit and room"), max_length=50, blank=True)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    minor = models.BooleanField(_("minor"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter or dialect"), default=False)
    problem = models.TextField(_("what the problem is"))
    dispute_type = models.CharField(
        _("dispute type"), max_length=25, choices=DisputeType.choices, blank=True
    )
    risk = models.CharField(_("urgency"), max_length=10, choices=Risk.choices, blank=True)
    preferred_times = models.CharField(_("preferred times"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED
    )
    visit_starts_at = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_ends_at = models.DateTimeField(_("visit until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
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
    outcome_note = models.TextField(_("what was done"), blank=True)
    case = models.ForeignKey(
        Case,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_requests",
        verbose_name=_("case"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

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
