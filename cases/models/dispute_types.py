"""The second level of dispute types: a district's own list under the 15 official ones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import DisputeType
from clinic.lib import limits


class DisputeSubtypeQuerySet(models.QuerySet["DisputeSubtype"]):
    def active(self) -> DisputeSubtypeQuerySet:
        return self.filter(active=True)


class DisputeSubtype(models.Model):
    """A kind of dispute under exactly one of the 15 official types (继承 under 婚姻家庭, 物业服务
    under 物业纠纷 …): a case with it counts under that type in every report. Kept when no
    longer offered (``active`` off), as the cases that carry it still name it."""

    name = models.CharField(_("name"), max_length=limits.NAME, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Letters, digits and hyphens, for exports and an exchange feed."),
    )
    dispute_type = models.CharField(_("dispute type"), max_length=25, choices=DisputeType.choices)
    active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DisputeSubtypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute subtype")
        verbose_name_plural = _("dispute subtypes")
        ordering = ["dispute_type", "order", "pk"]

    def __str__(self) -> str:
        return self.name
