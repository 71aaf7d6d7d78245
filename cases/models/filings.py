"""Figures as the street office filed them upward: frozen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.models import Street


class StatisticsFiling(models.Model):
    """A period's figures as the street office filed them upward: frozen. Later changes to
    cases of that period show as corrections against it, never as silent changes."""

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
