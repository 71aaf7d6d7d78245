"""Reads of the committees as organisations: members with their training hours, and the
organisation table of the official report (组织队伍情况)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from clinic.choices import CommitteeField, CommitteeKind, CommitteeLevel, Employment
from clinic.models import CommitteeMember, MediationCommittee, TrainingRecord


def serving(on: date) -> Q:
    """Members serving on a day (a filter on ``CommitteeMember``)."""
    return Q(started_on__lte=on) & (Q(ended_on=None) | Q(ended_on__gte=on))


def is_serving(member: CommitteeMember, on: date) -> bool:
    """``serving`` of one member already loaded: started by ``on`` and not ended before it."""
    return member.started_on <= on and (member.ended_on is None or member.ended_on >= on)


def members_of(committee: MediationCommittee, year: int) -> QuerySet[CommitteeMember]:
    """The committee's members, current first, each with ``year_hours``: the hours of the
    trainings they attended in ``year``, and ``year_trainings`` listed."""
    in_year = Q(trainings__held_on__year=year)
    return (
        CommitteeMember.objects.filter(committee=committee)
        .select_related("user")
        .annotate(
            year_hours=Coalesce(
                Sum("trainings__hours", filter=in_year),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            )
        )
        .prefetch_related(
            Prefetch(
                "trainings",
                queryset=TrainingRecord.objects.filter(held_on__year=year),
                to_attr="year_trainings",
            )
        )
        .order_by("ended_on", "position", "name", "pk")
    )


@dataclass
class OrganisationRow:
    """One line of the organisation table: a committee type (or the total)."""

    label: str
    committees: int = 0
    members: int = 0
    full_time: int = 0
    part_time: int = 0
    training_hours: Decimal = Decimal("0")
    details: list[str] = field(default_factory=list)

    def add(self, other: OrganisationRow) -> None:
        self.committees += other.committees
        self.members += other.members
        self.full_time += other.full_time
        self.part_time += other.part_time
        self.training_hours += other.training_hours


def organisation_committees(ids: Iterable[int]) -> QuerySet[MediationCommittee]:
    """The committees an official report's organisation table lists, from the case-holding
    committees of its units: those, and the other types of the streets whose street committee
    is among them (a street's or the district's report; a community's lists its own only)."""
    ids = list(ids)
    streets = MediationCommittee.objects.filter(pk__in=ids, level=CommitteeLevel.STREET).values(
        "street_id"
    )
    return MediationCommittee.objects.filter(
        Q(pk__in=ids) | (Q(level="") & Q(street_id__in=streets))
    )


def organisation_table(
    committees: QuerySet[MediationCommittee], *, on: date, year: int
) -> list[OrganisationRow]:
    """Per committee type (in the order of ``CommitteeKind``), then 合计: how many committees,
    their members serving ``on`` (专职 and 兼职), and the hours of training they attended in
    ``year``. Four queries, whatever the number of committees."""
    counts = {
        row["kind"]: row
        for row in committees.values("kind").annotate(
            n=Count("pk"),
        )
    }
    members = {
        row["committee__kind"]: row
        for row in CommitteeMember.objects.filter(serving(on), committee__in=committees)
        .values("committee__kind")
        .annotate(
            n=Count("pk"),
            full=Count("pk", filter=Q(employment=Employment.FULL_TIME)),
            part=Count("pk", filter=Q(employment=Employment.PART_TIME)),
        )
    }
    hours = dict(
        TrainingRecord.objects.filter(member__committee__in=committees, held_on__year=year)
        .values("member__committee__kind")
        .annotate(h=Sum("hours"))
        .values_list("member__committee__kind", "h")
    )
    fields = sorted(
        set(committees.filter(kind=CommitteeKind.PROFESSIONAL).values_list("field", flat=True))
    )
    rows = []
    total = OrganisationRow(label=gettext("Total"))
    for kind, label in CommitteeKind.choices:
        found = members.get(kind, {})
        row = OrganisationRow(
            label=str(label),
            committees=counts.get(kind, {}).get("n", 0),
            members=found.get("n", 0),
            full_time=found.get("full", 0),
            part_time=found.get("part", 0),
            training_hours=hours.get(kind) or Decimal("0"),
        )
        if kind == CommitteeKind.PROFESSIONAL:
            row.details = [str(CommitteeField(value).label) for value in fields if value]
        rows.append(row)
        total.add(row)
    return [*rows, total]
