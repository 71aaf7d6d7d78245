"""矛盾纠纷排查: the ledger of sweeps for disputes a grid worker or a coordinator walks, and the
disputes each sweep found (the official report's 排查次数, 排查发现纠纷 and 预防纠纷)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from cases.models.visits import VisitRequest
from clinic.lib import limits
from clinic.lib.versions import Versioned
from clinic.models import Community, Grid


class SweepKind(models.TextChoices):
    """定期排查 on the community's calendar, or 专项排查 of one place or topic."""

    SCHEDULED = "scheduled", _("scheduled sweep")
    SPECIAL = "special", _("special sweep")


class SweepQuerySet(models.QuerySet["Sweep"]):
    def for_ledger(self) -> SweepQuerySet:
        """The rows of the ledger: the place and who recorded it, and how many disputes the
        sweep found and prevented (counted in the same query)."""
        return (
            self.select_related("community__street", "grid", "created_by")
            .annotate(
                found=models.Count("findings"),
                prevented=models.Count("findings", filter=Q(findings__prevented=True)),
            )
            .order_by("-day", "-pk")  # a grouped query keeps no default order
        )


class Sweep(Versioned, models.Model):
    """One sweep for disputes (一次矛盾纠纷排查): when, of which grid (or the whole community),
    scheduled or special, what was swept, who took part and how many households were visited.
    Exchange fields (provisional): 排查日期 ``day``, 排查类型 ``kind``, 排查范围 ``scope``,
    走访户数 ``households``."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="sweeps", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Grid,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sweeps",
        verbose_name=_("grid"),
        help_text=_("Blank for a sweep of the whole community."),
    )
    day = models.DateField(_("date of the sweep"), default=timezone.localdate)
    kind = models.CharField(
        _("kind of sweep"), max_length=10, choices=SweepKind.choices, default=SweepKind.SCHEDULED
    )
    scope = models.CharField(
        _("what was swept"),
        max_length=limits.LINE,
        help_text=_("Buildings, a market, or the topic of a special sweep."),
    )
    participants = models.CharField(_("who took part"), max_length=limits.LINE, blank=True)
    households = models.PositiveIntegerField(_("households visited"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version"])
    objects = SweepQuerySet.as_manager()

    class Meta:
        verbose_name = _("sweep for disputes")
        verbose_name_plural = _("sweeps for disputes")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["community", "day"], name="sweep_community_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.grid or self.community} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:sweep_detail", args=[self.pk])


class SweepFinding(Versioned, models.Model):
    """A dispute a sweep found: what it is and how many people it involves; the home-visit
    request or the case it became, or, settled on the spot or headed off, marked prevented
    (预防) with what was done. Exchange fields (provisional): 涉及人数 ``persons``, 是否预防
    ``prevented``."""

    sweep = models.ForeignKey(
        Sweep, models.CASCADE, related_name="findings", verbose_name=_("sweep")
    )
    description = models.CharField(_("what the dispute is"), max_length=limits.LINE)
    persons = models.PositiveIntegerField(_("people involved"), default=2)
    prevented = models.BooleanField(_("settled on the spot or prevented"), default=False)
    prevention_note = models.CharField(_("what was done"), max_length=limits.LINE, blank=True)
    visit = models.ForeignKey(
        VisitRequest,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sweep_findings",
        verbose_name=_("home-visit request"),
    )
    case = models.ForeignKey(
        Case,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sweep_findings",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        verbose_name = _("dispute found in a sweep")
        verbose_name_plural = _("disputes found in sweeps")
        ordering = ["sweep", "pk"]
        constraints = [
            models.CheckConstraint(
                name="sweep_finding_prevented_says_how",
                condition=Q(prevented=False) | ~Q(prevention_note=""),
            ),
            models.CheckConstraint(name="sweep_finding_persons", condition=Q(persons__gte=1)),
        ]

    def __str__(self) -> str:
        return self.description
