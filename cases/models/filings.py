"""Reports filed upward: a committee's period, 填报 → 审核 → 上报, frozen at 审核通过.

``ReportFiling`` is the workflow (``cases.statistics.filing`` checks a report before it is
filed, ``cases.statistics.actions`` takes each step). ``StatisticsFiling`` is what streets
filed before, street-wide and as a handful of figures: kept read-only and shown on the street's
page, never written again (docs/report-filing.md, "Filings made before").
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.lib import limits
from clinic.lib.versions import Versioned
from clinic.models import MediationCommittee, Street


class FilingState(models.TextChoices):
    """Where a committee's report stands. 填报 → 审核通过 → 上报; or 填报 → 退回 → 填报 again.
    退回 is the only way back: a filing is never withdrawn or deleted."""

    FILED = "filed", pgettext_lazy("report filing state", "Filed, awaiting review")
    RETURNED = "returned", pgettext_lazy("report filing state", "Returned")
    APPROVED = "approved", pgettext_lazy("report filing state", "Approved (frozen)")
    REPORTED = "reported", pgettext_lazy("report filing state", "Reported upward")


#: The steps: (from states, to state). Nothing else moves a filing (the actions check it).
FILING_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "fill": ((FilingState.RETURNED,), FilingState.FILED),  # a new filing starts as filed
    "approve": ((FilingState.FILED,), FilingState.APPROVED),
    "return": ((FilingState.FILED,), FilingState.RETURNED),
    "report": ((FilingState.APPROVED,), FilingState.REPORTED),
}
#: Approved and reported filings are frozen: the page and every export read their snapshot.
FROZEN_STATES = (FilingState.APPROVED, FilingState.REPORTED)


class ReportFilingQuerySet(models.QuerySet["ReportFiling"]):
    def frozen(self) -> ReportFilingQuerySet:
        return self.filter(state__in=FROZEN_STATES)

    def of_period(self, first: date, last: date) -> ReportFilingQuerySet:
        return self.filter(first=first, last=last)


class ReportFiling(Versioned, models.Model):
    """One committee's report of one period, as filed (填报), reviewed by the street (审核:
    通过 or 退回 with a reason) and reported upward by the district (上报). ``snapshot`` is the
    whole report as filed (``cases.statistics.snapshots``) and the facts of every case that
    counts in it; from 审核通过 on, the page and the exports read it, and later changes to those
    cases show as corrections. ``notes`` answers each warning the checks raised."""

    committee = models.ForeignKey(
        MediationCommittee,
        models.PROTECT,
        related_name="report_filings",
        verbose_name=_("mediation committee"),
    )
    first = models.DateField(pgettext_lazy("first day of a period", "from"))
    last = models.DateField(pgettext_lazy("last day of a period", "until"))
    label = models.CharField(_("period"), max_length=40)
    state = models.CharField(
        _("state"), max_length=10, choices=FilingState.choices, default=FilingState.FILED
    )
    snapshot = models.JSONField(_("figures as filed"), default=dict)
    notes = models.JSONField(
        _("notes on the warnings"),
        default=list,
        help_text=_("Each warning of the checks, with the note the filer wrote for it."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    return_reason = models.TextField(
        _("reason for returning"), max_length=limits.SUMMARY, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported upward"), null=True, blank=True)

    objects = ReportFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        ordering = ["-first", "committee__street__code", "committee__level", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "first", "last"], name="report_filed_once_per_period"
            ),
            models.CheckConstraint(
                name="report_period_in_order", condition=Q(first__lte=models.F("last"))
            ),
            models.CheckConstraint(
                name="report_returned_with_reason",
                condition=~Q(state=FilingState.RETURNED) | ~Q(return_reason=""),
            ),
            models.CheckConstraint(
                name="report_reviewed_before_frozen",
                condition=~Q(state__in=FROZEN_STATES) | Q(reviewed_by__isnull=False),
            ),
            models.CheckConstraint(
                name="report_reported_by_someone",
                condition=~Q(state=FilingState.REPORTED) | Q(reported_by__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["state", "last"], name="report_filing_state_last")]

    def __str__(self) -> str:
        return f"{self.committee.name} {self.label}"

    @property
    def frozen(self) -> bool:
        return self.state in FROZEN_STATES


class StatisticsFiling(models.Model):
    """A period's figures as a street office filed them upward before committees filed their
    own reports: street-wide, a handful of figures. Kept read-only, shown on the street's page
    with the changes since as corrections; nothing writes it any more."""

    street = models.ForeignKey(
        Street, models.PROTECT, related_name="filings", verbose_name=_("street")
    )
    first = models.DateField(pgettext_lazy("first day of a period", "from"))
    last = models.DateField(pgettext_lazy("last day of a period", "until"))
    label = models.CharField(_("period"), max_length=40)
    snapshot = models.JSONField(_("figures as filed"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        verbose_name = _("filed report")
        verbose_name_plural = _("filed reports")
        ordering = ["-first"]
        constraints = [
            models.UniqueConstraint(fields=["street", "first", "last"], name="file_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.label}"
