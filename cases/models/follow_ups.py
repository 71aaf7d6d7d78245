"""Return visits (复诊) after a settlement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    COURT_SETBACKS,
    FollowUpMethod,
    Performance,
    Setback,
)
from cases.models.case import Case
from cases.models.mediation import Agreement
from clinic.lib import limits
from clinic.lib.versions import Versioned
from scheduling.models import Commitment


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def pending(self) -> FollowUpQuerySet:
        """Not done yet and not cancelled: the follow-ups someone still has to make."""
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)


class FollowUp(Versioned, models.Model):
    """A return visit (回访) after settlement: was the agreement performed, is the conflict
    back? Not performed means urging and a new follow-up, not a reopened case."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    agreement = models.ForeignKey(
        Agreement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    performance_item = models.ForeignKey(
        "cases.PerformanceItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("performance item checked"),
    )
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("assigned to"),
    )
    method = models.CharField(
        _("method"), max_length=10, choices=FollowUpMethod.choices, blank=True
    )
    performance = models.CharField(
        _("agreement performed"), max_length=10, choices=Performance.choices, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    findings = models.TextField(_("findings"), max_length=limits.SUMMARY, blank=True)
    new_risk = models.TextField(_("new risk"), max_length=limits.SUMMARY, blank=True)
    urged = models.BooleanField(_("performance urged (督促履行)"), default=False)
    setback_note = models.TextField(_("about what went wrong"), max_length=limits.NOTE, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # A pending follow-up of a settlement that no longer stands (the case was reopened) is
    # cancelled, not deleted: it stays in the case's history, and no list of pending work
    # shows it (``FollowUpQuerySet.pending``).
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    appointment = models.OneToOneField(
        Commitment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visit planned"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.due_on}"

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_on < timezone.localdate()


class FollowUpSetbackQuerySet(models.QuerySet["FollowUpSetback"]):
    def by_court(self) -> FollowUpSetbackQuerySet:
        """What a court did to the agreement (changed, revoked, declared invalid)."""
        return self.filter(kind__in=COURT_SETBACKS)


class FollowUpSetback(models.Model):
    """One thing that went wrong after the settlement, as a follow-up found it (转为刑事案件,
    引发群体性上访 or 事件, the agreement changed, revoked or declared invalid by a court,
    申请支付令); the follow-up's ``setback_note`` says more."""

    follow_up = models.ForeignKey(
        FollowUp, models.CASCADE, related_name="setbacks", verbose_name=_("follow-up")
    )
    kind = models.CharField(_("what went wrong"), max_length=15, choices=Setback.choices)

    objects = FollowUpSetbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("setback after settlement")
        verbose_name_plural = _("setbacks after settlement")
        ordering = ["follow_up", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "kind"], name="one_setback_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.follow_up}: {self.get_kind_display()}"

    @property
    def by_court(self) -> bool:
        """A court changed, revoked or declared invalid the agreement."""
        return self.kind in COURT_SETBACKS
