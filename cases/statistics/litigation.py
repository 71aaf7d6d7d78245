"""万人成讼率: civil first-instance filings per community, imported from the court's monthly
figures or typed in (``cases.statistics.court``).

The court counts by month, so a period counts the months it covers: every month that overlaps
the period, whole. A period of whole months (a month, a quarter, a year: all the statistics
page offers) counts exactly its months; a period from 2026-09-15 to 2026-10-10 counts September
and October in full. A community without a figure for any of those months is left out of the
answer (no figure is not the same as none filed); ``months_entered`` says how many of the
period's months a community has, so a page can say a figure is incomplete.

The rate is the period's filings ÷ residents × 10,000 (``figures.Row.litigation_rate``), not
annualised: a month's rate is about a twelfth of a year's (docs/court-filings.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from django.db.models import Count, Sum

from cases.models import CourtFilingCount


class HasDates(Protocol):
    """A period: ``figures.Period`` or anything with its first and last day."""

    @property
    def first(self) -> date: ...

    @property
    def last(self) -> date: ...


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """``(year, month)`` of every month from ``first``'s to ``last``'s, both included."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ids(community_ids: Iterable[Any]) -> list[int]:
    """Ids, or communities (their ids are taken)."""
    return [getattr(item, "pk", item) for item in community_ids]


def _figures(community_ids: Iterable[Any], first: date, last: date) -> Any:
    """The stored figures of these communities for the months that overlap first..last."""
    return CourtFilingCount.objects.filter(
        community_id__in=_ids(community_ids),
        month__gte=first_of_month(first),
        month__lte=last,
    )


def civil_filings(community_ids: Iterable[Any], period: HasDates) -> dict[int, int]:
    """Civil first-instance filings of each community in the months the period covers (one
    query). Communities with no figure for any of them are not in the answer."""
    rows = (
        _figures(community_ids, period.first, period.last)
        .order_by()
        .values("community_id")
        .annotate(total=Sum("civil_first_instance"))
    )
    return {row["community_id"]: row["total"] for row in rows}


def months_entered(community_ids: Iterable[Any], period: HasDates) -> dict[int, int]:
    """How many of the period's months each community has a figure for (one query); compare
    with ``len(months_between(period.first, period.last))``."""
    rows = (
        _figures(community_ids, period.first, period.last)
        .order_by()
        .values("community_id")
        .annotate(months=Count("pk"))
    )
    return {row["community_id"]: row["months"] for row in rows}


def monthly_civil_filings(
    community_ids: Iterable[Any], first: date, last: date
) -> dict[tuple[int, int], int]:
    """Civil first-instance filings of these communities together, per ``(year, month)``, for
    the months that overlap first..last (one query). Months with no figure are not in it."""
    rows = (
        _figures(community_ids, first, last)
        .order_by()
        .values("month")
        .annotate(total=Sum("civil_first_instance"))
    )
    return {(row["month"].year, row["month"].month): row["total"] for row in rows}
