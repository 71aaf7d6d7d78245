"""The case's timeline: one append-only event per transition and meaningful edit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import (
    EventKind,
    State,
)
from cases.models.case import Case


class CaseEvent(models.Model):
    """One line of a case's timeline, append-only: who did what, from which state to which,
    with a note and structured details. Written in the same transaction as the change."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    transition = models.CharField(_("transition"), max_length=30, blank=True)
    from_state = models.CharField(
        pgettext_lazy("the state a case left", "from"),
        max_length=20,
        choices=State.choices,
        blank=True,
    )
    to_state = models.CharField(
        pgettext_lazy("the state a case entered", "to"),
        max_length=20,
        choices=State.choices,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Case events are append-only.")
