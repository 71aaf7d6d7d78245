"""The court's figures the 万人成讼率 rests on: civil first-instance filings per community and
month (docs/court-filings.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits
from clinic.lib.versions import Versioned
from clinic.models import Community


class FilingSource(models.TextChoices):
    """How a month's figure came in: from the court's file, or typed in from its letter."""

    IMPORTED = "imported", _("imported from the court's file")
    TYPED = "typed", _("typed in")


class CourtFilingCount(Versioned):
    """The civil first-instance cases (民事一审收案) the court received in one month from the
    residents of one community. A correction replaces the figure (the audit log keeps the old
    and the new value); two people saving the same month: the second is told (row version)."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="court_filings", verbose_name=_("community")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    civil_first_instance = models.PositiveIntegerField(_("civil first-instance filings"))
    source = models.CharField(_("source"), max_length=10, choices=FilingSource.choices)
    file_name = models.CharField(_("file"), max_length=limits.LINE, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        verbose_name = _("court filing figure")
        verbose_name_plural = _("court filing figures")
        ordering = ["-month", "community__code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="court_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m}: {self.civil_first_instance}"
