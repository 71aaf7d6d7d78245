"""Joint consultations (会诊): invitees, the proposed slots and the meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    InviteResponse,
)
from cases.models.case import Case
from clinic.lib import limits
from clinic.lib.versions import Versioned
from scheduling.models import Commitment

if TYPE_CHECKING:
    from datetime import datetime

    from django_stubs_ext import StrOrPromise


class JointConsultation(Versioned, models.Model):
    """A joint consultation (会诊): several professionals of different roles on one dispute,
    ending in one joint opinion."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="consultations", verbose_name=_("case")
    )
    question = models.TextField(_("question put to the professionals"), max_length=limits.SUMMARY)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("convened by")
    )
    convened_at = models.DateTimeField(_("convened"), default=timezone.now)
    joint_opinion = models.TextField(_("joint opinion"), max_length=limits.ANSWER, blank=True)
    attended = models.TextField(_("who attended"), max_length=limits.NOTE, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    meeting = models.OneToOneField(
        "ConsultationSlot",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed meeting time"),
    )

    if TYPE_CHECKING:
        # Set by the papers (会诊意见): the meeting's time and place, as far as known.
        held_at: datetime | None
        held_place: str

    class Meta:
        verbose_name = _("joint consultation")
        verbose_name_plural = _("joint consultations")
        ordering = ["convened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.convened_at:%Y-%m-%d}"


class ConsultationInvitee(Versioned, models.Model):
    """A professional invited to a joint consultation, in one of their roles."""

    consultation = models.ForeignKey(
        JointConsultation, models.CASCADE, related_name="invitees", verbose_name=_("consultation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("professional")
    )
    role = models.CharField(_("role"), max_length=20)
    response = models.CharField(
        _("answer"), max_length=10, choices=InviteResponse.choices, blank=True, default=""
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    available: models.ManyToManyField[ConsultationSlot, Any] = models.ManyToManyField(
        "ConsultationSlot", blank=True, related_name="available", verbose_name=_("can attend")
    )
    opinion = models.TextField(_("own opinion (观点)"), max_length=limits.ANSWER, blank=True)
    opinion_at = models.DateTimeField(_("opinion given"), null=True, blank=True)
    commitment = models.OneToOneField(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    if TYPE_CHECKING:
        role_label: StrOrPromise  # set by the papers that list the invitees
        shown_opinion: str  # the papers: their opinion, or their advice while it was open

    class Meta:
        verbose_name = _("invited professional")
        verbose_name_plural = _("invited professionals")
        ordering = ["pk"]  # in the order invited, on the page, the papers and the calendars
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="invite_once")]

    def __str__(self) -> str:
        return str(self.user)


class ConsultationSlot(models.Model):
    """A time proposed for a joint consultation's meeting."""

    consultation = models.ForeignKey(
        JointConsultation, models.CASCADE, related_name="slots", verbose_name=_("consultation")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=limits.PLACE)

    class Meta:
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M} {self.place}"
