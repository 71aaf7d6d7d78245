"""Reopenings (重新调解): the conclusion a reopened case had, kept as it was."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Level, Outcome
from cases.models.case import Case
from cases.models.mediation import Agreement
from clinic.lib import limits


class CaseReopening(models.Model):
    """A settled case mediated again (the court refused confirmation, or both parties asked).

    Reopening clears the case's outcome and settlement date so that it can be concluded anew;
    this row keeps the earlier round as it stood, so the period it was settled in still counts
    the settlement, and the reopening counts as a re-acceptance (重新受理) in its own period
    (``cases.statistics.figures``). One row per reopening, never changed afterwards.
    """

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="reopenings", verbose_name=_("case")
    )
    at = models.DateTimeField(_("reopened"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reason = models.TextField(_("reason"), max_length=limits.SUMMARY, blank=True)
    # The earlier round: when it was accepted (the case's acceptance, or the reopening before
    # this one), how it ended and with what.
    accepted_at = models.DateTimeField(_("round accepted"), null=True, blank=True)
    outcome = models.CharField(
        _("earlier outcome"), max_length=25, choices=Outcome.choices, blank=True
    )
    level = models.CharField(_("earlier level"), max_length=15, choices=Level.choices)
    settled_at = models.DateTimeField(_("earlier settlement"), null=True, blank=True)
    closed_at = models.DateTimeField(_("earlier closing"), null=True, blank=True)
    amount_agreed = models.DecimalField(
        _("earlier amount agreed (yuan)"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.AMOUNT_PLACES,
        null=True,
        blank=True,
    )
    mediation_due = models.DateField(_("earlier mediation due"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement then in force"),
    )

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["case", "at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="reopening_case_at")]

    def __str__(self) -> str:
        return f"{self.case} {self.at:%Y-%m-%d}"

    @property
    def concluded_at(self) -> datetime:
        """When the earlier round ended: its settlement, else its closing, else the
        reopening itself."""
        if self.outcome in (Outcome.SETTLED_WRITTEN, Outcome.SETTLED_ORAL):
            return self.settled_at or self.closed_at or self.at
        return self.closed_at or self.at
