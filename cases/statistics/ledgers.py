"""排查 (sweeps for disputes): the figures of the official report's 排查 / 预防 columns, from
the 排查台账 (``cases.models.Sweep``): a community's sweeps on days of the period (排查次数), the
disputes they found (排查发现纠纷) and those of them marked prevented (预防纠纷). A community
with no sweep in the period has no entry (0 in the report).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from cases.models import Sweep

if TYPE_CHECKING:
    from cases.statistics.figures import Period

#: The columns this module fills, as named on ``figures.Row``.
SWEEP_FIELDS = ("sweeps", "sweep_found", "sweep_prevented")


def sweep_figures(community_ids: Iterable[int], period: Period) -> dict[int, dict[str, int]]:
    """Per community: ``{"sweeps": 排查次数, "sweep_found": 排查发现纠纷, "sweep_prevented":
    预防纠纷}`` in the period, for the communities that recorded any: one grouped query
    (each sweep joined to its findings), however many sweeps there are."""
    rows = (
        Sweep.objects.filter(
            community_id__in=list(community_ids), day__gte=period.first, day__lte=period.last
        )
        .values("community_id")
        .annotate(
            sweeps=Count("pk", distinct=True),
            sweep_found=Count("findings"),
            sweep_prevented=Count("findings", filter=Q(findings__prevented=True)),
        )
        .order_by()
    )
    return {row.pop("community_id"): row for row in rows}
