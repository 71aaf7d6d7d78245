"""The second level of dispute types: one list, kept by the district admins, under the 15
official ones (the deployment serves one county; a second district would share it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import DisputeType
from clinic.lib import limits
from clinic.lib.versions import Versioned


class DisputeSubtypeQuerySet(models.QuerySet["DisputeSubtype"]):
    def active(self) -> DisputeSubtypeQuerySet:
        return self.filter(active=True)


class DisputeSubtype(Versioned, models.Model):
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


#: Said when a subtype is chosen under another type than the case's.
SUBTYPE_ELSEWHERE = _(
    "“%(subtype)s” is a kind of %(its_type)s, not of %(chosen)s: choose %(its_type)s as the "
    "dispute type, or another subtype."
)


def check_subtype_fits(dispute_type: str, subtype: DisputeSubtype | None) -> None:
    """A subtype is chosen under its own type only: the case counts under ``dispute_type`` in
    every report, and a subtype of another type would count it twice or in the wrong row."""
    if subtype is not None and subtype.dispute_type != dispute_type:
        raise ValidationError(
            {
                "dispute_subtype": SUBTYPE_ELSEWHERE
                % {
                    "subtype": subtype.name,
                    "its_type": DisputeType(subtype.dispute_type).label,
                    "chosen": DisputeType(dispute_type).label,
                }
            }
        )


def grouped_subtypes(keep: int | None = None) -> list[tuple[str, list[Any]]]:
    """The subtypes offered, grouped by their type in the order of the 15 (a ``<select>``'s
    optgroups): the active ones, and the one of pk ``keep`` (a case's own, even when no
    longer offered)."""
    offered = DisputeSubtype.objects.filter(Q(active=True) | Q(pk=keep))
    by_type: dict[str, list[tuple[int, str]]] = {}
    for subtype in offered:
        by_type.setdefault(subtype.dispute_type, []).append((subtype.pk, subtype.name))
    return [
        (str(label), by_type[value]) for value, label in DisputeType.choices if value in by_type
    ]
