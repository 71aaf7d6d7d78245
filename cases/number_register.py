"""The register of issued case numbers (案件编号登记簿) of a committee for a year, read from the
cases themselves: every number the committee issued (``Case.numbered_by``, ``number_year``,
``number_seq``), with the case, the day it was issued (acceptance), who issued it (the actor of
the accepting transition) and where the case is now; a number skipped between 1 and the
sequence's last is flagged as a gap. Nothing is stored twice.

The clinic app's committee pages read it through ``CasesConfig.number_register``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNumberSequence
from clinic.models import MediationCommittee

#: The transitions that issue a number (changes.issue_number).
ISSUING = ("accept", "dispatch")


@dataclass(frozen=True)
class Entry:
    """One line of the register: a number issued, or a gap (``case`` None)."""

    seq: int
    number: str = ""
    case: Case | None = None
    issued_on: date | None = None
    issued_by: str = ""
    handed_on: bool = False  # escalated: the case is now the street committee's

    @property
    def gap(self) -> bool:
        return self.case is None


@dataclass
class Register:
    committee: MediationCommittee
    year: int
    entries: list[Entry] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def gaps(self) -> list[int]:
        return [entry.seq for entry in self.entries if entry.gap]

    @property
    def issued(self) -> int:
        return sum(1 for entry in self.entries if not entry.gap)


def number_register(committee: MediationCommittee, year: int) -> Register:
    """The committee's register for ``year``; three queries, whatever its length."""
    issuer = CaseEvent.objects.filter(case=OuterRef("pk"), transition__in=ISSUING).order_by(
        "at", "pk"
    )
    cases = (
        Case.objects.filter(numbered_by=committee, number_year=year)
        .exclude(number_seq=None)
        .annotate(
            issued_by_name=Subquery(issuer.values("actor__display_name")[:1]),
            issued_by_username=Subquery(issuer.values("actor__username")[:1]),
            issued_at=Subquery(issuer.values("at")[:1]),
        )
        .only("pk", "number", "number_seq", "committee_id", "accepted_at", "state")
        .order_by("number_seq")
    )
    by_seq = {case.number_seq: case for case in cases if case.number_seq is not None}
    last = (
        CaseNumberSequence.objects.filter(committee=committee, year=year, kind="case")
        .values_list("last", flat=True)
        .first()
    ) or 0
    top = max([last, *by_seq])
    entries = []
    for seq in range(1, top + 1):
        case = by_seq.get(seq)
        if case is None:
            entries.append(Entry(seq=seq))
            continue
        when = case.issued_at or case.accepted_at  # type: ignore[attr-defined]
        entries.append(
            Entry(
                seq=seq,
                number=case.number,
                case=case,
                issued_on=timezone.localdate(when) if when else None,
                issued_by=case.issued_by_name or case.issued_by_username or "",  # type: ignore[attr-defined]
                handed_on=case.committee_id != committee.pk,
            )
        )
    years = sorted(
        set(
            CaseNumberSequence.objects.filter(committee=committee, kind="case").values_list(
                "year", flat=True
            )
        )
        | {year},
        reverse=True,
    )
    return Register(committee=committee, year=year, entries=entries, years=years)


def case_number_issued(committee: MediationCommittee, number: str) -> bool:
    """Whether this case number is one of the committee's (a seal use names the case by it):
    issued by it, or of a case it now handles (escalated to it, the case keeps the number the
    community's committee issued)."""
    return (
        Case.objects.filter(Q(numbered_by=committee) | Q(committee=committee))
        .filter(number=number)
        .exclude(number="")
        .exists()
    )
