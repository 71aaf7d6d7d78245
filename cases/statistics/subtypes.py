"""受理 by dispute subtype: the breakdown under each of the 15 official types, beside the
official by-type table (which counts by the 15 alone: a case carries its type, so the
subtypes roll up without a step of their own).

Counted as the official table counts 受理: the disputes accepted in the period and the
re-acceptances of reopened ones, each under the case's type and subtype; a case without a
subtype is in its type's "未细分" row, so each type's rows add up to its 受理."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F

from cases.choices import DisputeType, Kind
from cases.models import Case, CaseReopening
from cases.statistics.figures import Period
from clinic.models import Community, MediationCommittee


@dataclass(frozen=True)
class SubtypeRow:
    """One row: the official type, the subtype's name ("" for none given), the accepted and
    their share of the type's accepted (%, one decimal)."""

    dispute_type: str
    type_label: str
    subtype: str
    accepted: int
    share: float


def accepted_by_subtype(
    communities: list[Community],
    period: Period,
    *,
    committees: list[MediationCommittee] | None = None,
) -> list[SubtypeRow]:
    """The rows of every type with an accepted dispute in ``period`` (of ``communities``, of
    ``committees`` only when given), in the order of the 15 and of each type's subtypes.
    Two queries."""
    cases = Case.objects.filter(
        kind=Kind.DISPUTE,
        community__in=communities,
        accepted_at__gte=period.start,
        accepted_at__lt=period.end,
    )
    rounds = CaseReopening.objects.filter(
        case__kind=Kind.DISPUTE,
        case__community__in=communities,
        at__gte=period.start,
        at__lt=period.end,
    )
    if committees is not None:
        cases = cases.filter(committee__in=committees)
        rounds = rounds.filter(case__committee__in=committees)
    counted: dict[tuple[str, str, int, int], int] = {}
    for found in (
        cases.values(
            of_type=F("dispute_type"),
            sub_name=F("dispute_subtype__name"),
            sub_order=F("dispute_subtype__order"),
            sub_pk=F("dispute_subtype"),
        ),
        rounds.values(
            of_type=F("case__dispute_type"),
            sub_name=F("case__dispute_subtype__name"),
            sub_order=F("case__dispute_subtype__order"),
            sub_pk=F("case__dispute_subtype"),
        ),
    ):
        for row in found.annotate(n=Count("pk")).order_by():
            kind = row["of_type"] if row["of_type"] in DisputeType.values else DisputeType.OTHER
            key = (kind, row["sub_name"] or "", row["sub_order"] or 0, row["sub_pk"] or 0)
            counted[key] = counted.get(key, 0) + row["n"]
    totals: dict[str, int] = {}
    for (kind, *_rest), n in counted.items():
        totals[kind] = totals.get(kind, 0) + n
    rank = {value: i for i, value in enumerate(DisputeType.values)}
    ordered = sorted(counted, key=lambda k: (rank[k[0]], k[1] == "", k[2], k[3]))
    labels = dict(DisputeType.choices)
    return [
        SubtypeRow(
            dispute_type=kind,
            type_label=str(labels[kind]),
            subtype=name,
            accepted=counted[(kind, name, order, sub)],
            share=round(100 * counted[(kind, name, order, sub)] / totals[kind], 1),
        )
        for kind, name, order, sub in ordered
    ]
