"""万人成讼率: civil first-instance filings per community, imported from the court's monthly
figures or typed in. (Filled in by the court-filings work.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


def civil_filings(community_ids: Iterable[int], period: Any) -> dict[int, int]:
    """Civil first-instance filings of each community in the period's months."""
    return {}


def monthly_civil_filings(
    community_ids: Iterable[int], first: date, last: date
) -> dict[tuple[int, int], int]:
    """Civil first-instance filings of these communities, per (year, month)."""
    return {}
