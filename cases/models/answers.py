"""Common answers: the replies a committee gives often, picked and edited when a walk-in
question is logged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import DisputeType
from clinic.lib import limits
from clinic.models import MediationCommittee


class CommonAnswer(models.Model):
    """A question a committee is often asked and the answer it usually gives (常见问答)."""

    committee = models.ForeignKey(
        MediationCommittee,
        models.CASCADE,
        related_name="common_answers",
        verbose_name=_("committee"),
    )
    dispute_type = models.CharField(
        _("dispute type"), max_length=25, choices=DisputeType.choices, blank=True
    )
    question = models.CharField(_("question"), max_length=limits.LINE)
    answer = models.TextField(_("answer"), max_length=limits.ANSWER)
    times_used = models.PositiveIntegerField(_("times used"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("common answer")
        verbose_name_plural = _("common answers")
        ordering = ["committee", "-times_used", "question"]

    def __str__(self) -> str:
        return self.question
