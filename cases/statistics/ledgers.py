"""排查 (sweeps for disputes): the figures of the official report's 排查 / 预防 columns.

Filled in by the ledgers issue (the 排查台账 it adds); until then no sweep is recorded and every
community's 排查次数, 排查发现纠纷 and 预防纠纷 are 0 (no entry here means 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cases.statistics.figures import Period

#: The columns this module fills, as named on ``figures.Row``.
SWEEP_FIELDS = ("sweeps", "sweep_found", "sweep_prevented")


def sweep_figures(community_ids: Iterable[int], period: Period) -> dict[int, dict[str, int]]:
    """Per community: ``{"sweeps": 排查次数, "sweep_found": 排查发现纠纷, "sweep_prevented":
    预防纠纷}`` in the period, for the communities that recorded any (the ledgers issue)."""
    return {}
