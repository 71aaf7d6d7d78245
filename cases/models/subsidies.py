"""以案定补 (per-case subsidies for mediators) and the 卷宗 review that pays them.

- ``SubsidyRule``: a district's rule from a month on (the rate of a case by its difficulty grade
  and how it ended, the extra for a file that passed review, the cap per mediator and month).
  The rule in force for a month is the latest that starts on or before it.
- ``FileReview``: a reviewer's verdict on a concluded case's file (合格 / 不合格 with reasons);
  every review is kept, the latest is the file's standing.
- ``SubsidyStatement``: a mediator's month in a street as approved, frozen: the lines and the
  total as they were computed at approval (``cases.subsidies.statement``), never recomputed.
  Until approval a month's statement is computed, not stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import Outcome
from cases.models.case import Case
from clinic.lib import limits
from clinic.lib.versions import Versioned
from clinic.models import District, Street


class SubsidyOutcome(models.TextChoices):
    """How a case ended, as a subsidy rule pays it (the case's ``Outcome`` grouped)."""

    WRITTEN = "written", _("Settled, written agreement")
    ORAL = "oral", _("Settled, oral agreement")
    FAILED = "failed", _("Mediated, not settled")
    TERMINATED = "terminated", _("Mediation terminated")


#: Which case outcomes each subsidy outcome covers. Declined cases (不予受理) and advice are
#: never mediated and never paid.
OUTCOME_CLASSES: dict[str, str] = {
    Outcome.SETTLED_WRITTEN: SubsidyOutcome.WRITTEN,
    Outcome.SETTLED_ORAL: SubsidyOutcome.ORAL,
    Outcome.FAILED: SubsidyOutcome.FAILED,
    Outcome.PARTY_REFUSES: SubsidyOutcome.FAILED,
    Outcome.WITHDRAWN: SubsidyOutcome.TERMINATED,
    Outcome.REFERRED_OUT: SubsidyOutcome.TERMINATED,
}


class FileVerdict(models.TextChoices):
    PASSED = "passed", pgettext_lazy("case file review", "Passed")
    FAILED = "failed", pgettext_lazy("case file review", "Failed")


class FileDefect(models.TextChoices):
    """The common reasons a file fails review (a checklist; the reviewer adds free text)."""

    AGREEMENT_UNSIGNED = "agreement_unsigned", _("Agreement not signed or sealed")
    RECORD_MISSING = "record_missing", _("Mediation record missing or unsigned")
    NOTICE_MISSING = "notice_missing", _("Notice of rights not signed")
    IDENTITY_MISSING = "identity_missing", _("Proof of identity missing")
    FOLLOW_UP_MISSING = "follow_up_missing", _("Return visit not recorded")
    FACTS_UNCLEAR = "facts_unclear", _("Facts or terms unclear")
    GRADE_WRONG = "grade_wrong", _("Difficulty grade not supported by the file")
    ORDER_WRONG = "order_wrong", _("Contents out of order or not paginated")


def _amount(verbose_name: object, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,  # type: ignore[arg-type]
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        **kwargs,  # type: ignore[arg-type]
    )


class SubsidyRule(Versioned, models.Model):
    """A district's 以案定补 rule from ``valid_from`` (the first of a month) until the next
    rule starts. ``rates`` holds the yuan of a case by grade and outcome as
    ``{"simple": {"written": "50.00", …}, …}`` (every grade, every outcome)."""

    district = models.ForeignKey(
        District, models.PROTECT, related_name="subsidy_rules", verbose_name=_("district")
    )
    valid_from = models.DateField(
        _("in force from"), help_text=_("The first month the rule pays for.")
    )
    rates = models.JSONField(_("rates per case"), default=dict)
    file_bonus = _amount(_("extra for a file that passed review (yuan)"), default=Decimal(0))
    monthly_cap = _amount(
        _("cap per mediator and month (yuan)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no cap."),
    )
    basis = models.CharField(
        _("basis"),
        max_length=limits.LINE,
        blank=True,
        help_text=_("The county's document the rule follows, e.g. 盘司发〔2026〕5号."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("subsidy rule")
        verbose_name_plural = _("subsidy rules")
        ordering = ["district", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "valid_from"], name="one_subsidy_rule_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.valid_from:%Y-%m}"

    def rate(self, difficulty: str, outcome: str) -> Decimal:
        """The yuan of a case of this grade that ended so (0 where the rule names none)."""
        return Decimal(str(self.rates.get(difficulty, {}).get(outcome, "0"))).quantize(
            Decimal("0.01")
        )


class FileReview(models.Model):
    """One review of a concluded case's file (卷宗评查): 合格, or 不合格 with the reasons from
    the checklist and in words. A failed file is put right and reviewed again; every review
    stays, the latest is the file's standing."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="file_reviews", verbose_name=_("case")
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=FileVerdict.choices)
    defects = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.TextField(_("remarks"), max_length=limits.SUMMARY, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)

    class Meta:
        verbose_name = _("case file review")
        verbose_name_plural = _("case file reviews")
        ordering = ["-reviewed_at", "-pk"]
        indexes = [models.Index(fields=["case", "-reviewed_at"], name="file_review_case_newest")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_verdict_display()}"

    def defect_labels(self) -> list[str]:
        known = dict(FileDefect.choices)
        return [str(known.get(code, code)) for code in self.defects]


class SubsidyStatement(models.Model):
    """A mediator's month of 以案定补 in a street, approved and frozen: ``lines`` are the
    statement's rows as computed at approval (``cases.subsidies.statement.Line.as_dict``),
    ``subtotal`` before the cap and ``total`` paid. Later changes to the cases do not touch it;
    the statements page lists them as corrections."""

    street = models.ForeignKey(
        Street, models.PROTECT, related_name="subsidy_statements", verbose_name=_("street")
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="subsidy_statements",
        verbose_name=_("mediator"),
    )
    month = models.DateField(_("month"))
    rule = models.ForeignKey(
        SubsidyRule,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("rule applied"),
    )
    lines = models.JSONField(_("lines"), default=list)
    subtotal = _amount(_("before the cap (yuan)"))
    cap = _amount(_("cap (yuan)"), null=True, blank=True)
    total = _amount(_("total (yuan)"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)

    class Meta:
        verbose_name = _("subsidy statement")
        verbose_name_plural = _("subsidy statements")
        ordering = ["-month", "street", "mediator"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "mediator", "month"], name="one_statement_per_mediator_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mediator} {self.month:%Y-%m}"


__all__ = [
    "OUTCOME_CLASSES",
    "FileDefect",
    "FileReview",
    "FileVerdict",
    "SubsidyOutcome",
    "SubsidyRule",
    "SubsidyStatement",
]
