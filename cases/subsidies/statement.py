"""A mediator's monthly 以案定补 statement: which cases count, what each earns, the cap.

The cases of a mediator's month in a street: disputes they mediated (``Case.mediator``) that
concluded in the month, as the statistics count a conclusion (a settlement at ``settled_at``,
any other end at ``closed_at``), and that ended in a way the rule pays (``OUTCOME_CLASSES``:
written or oral agreement; mediated but not settled, a party refusing included; terminated,
i.e. withdrawn or referred out). Advice and cases declined before acceptance are never on a
statement.

Each case's line: its grade, how it ended, the rule's rate for the two, and the standing of its
file. **Only a case whose file passed review (合格) counts**: it earns the rate plus the rule's
extra for a passed file. A case whose file failed (不合格) or is not reviewed yet (待评查) is
listed with nothing, as is an ungraded case (待定级: no default rate; the mediator grades it,
and the statement pays it once graded and passed). The total is the sum, cut to the rule's cap;
the cap is of one statement, a mediator's month in one street (a mediator of two streets, rare,
has two statements, each capped).

The rule is the district's latest starting on or before the month. Until a statement is
approved it is computed afresh on every reading; approval stores its lines (``frozen``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Case as When_
from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import SETTLED_OUTCOMES, Difficulty, Kind
from cases.models import (
    OUTCOME_CLASSES,
    Case,
    FileReview,
    FileVerdict,
    SubsidyOutcome,
    SubsidyRule,
    SubsidyStatement,
)
from clinic.models import Street, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class Standing:
    """Why a line earns what it earns."""

    COUNTED = "counted"
    UNGRADED = "ungraded"
    UNREVIEWED = "unreviewed"
    FAILED = "failed"


STANDING_LABELS = {
    Standing.COUNTED: pgettext_lazy("subsidy line", "Counted (file passed)"),
    Standing.UNGRADED: pgettext_lazy("subsidy line", "Not graded yet"),
    Standing.UNREVIEWED: pgettext_lazy("subsidy line", "File awaiting review"),
    Standing.FAILED: pgettext_lazy("subsidy line", "File failed review"),
}


def month_start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=1), time.min))


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def concluded_at() -> When_:
    """When a case concluded: at its settlement if settled, else at its closing."""
    return When_(
        When(outcome__in=SETTLED_OUTCOMES, then=Coalesce("settled_at", "closed_at")),
        default=F("closed_at"),
        output_field=DateTimeField(),
    )


class Concluded(TypedDict):
    """What ``concluded_cases`` adds to each case."""

    concluded: datetime
    review_verdict: str | None
    review_id: int | None


if TYPE_CHECKING:
    #: A case as ``concluded_cases`` reads it.
    ConcludedCase = WithAnnotations[Case, Concluded]


def concluded_cases() -> QuerySet[ConcludedCase]:
    """Disputes that concluded in a way a subsidy rule pays, with when (``concluded``) and the
    latest review of their file (``review_verdict``, ``review_id``)."""
    latest = FileReview.objects.filter(case=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    found = (
        Case.objects.filter(kind=Kind.DISPUTE, outcome__in=list(OUTCOME_CLASSES))
        .annotate(
            concluded=concluded_at(),
            review_verdict=Subquery(latest.values("verdict")[:1]),
            review_id=Subquery(latest.values("pk")[:1]),
        )
        .filter(concluded__isnull=False)
    )
    return cast("QuerySet[ConcludedCase]", found)


def rule_for(district_id: int, month: date) -> SubsidyRule | None:
    """The district's rule in force in ``month``."""
    return (
        SubsidyRule.objects.filter(district_id=district_id, valid_from__lte=month.replace(day=1))
        .order_by("-valid_from")
        .first()
    )


@dataclass
class Line:
    """One case on a statement (amounts in yuan, two places)."""

    case_id: int
    number: str
    community: str
    concluded_on: str
    difficulty: str
    outcome: str
    review: str
    standing: str
    rate: Decimal
    extra: Decimal
    amount: Decimal

    @property
    def difficulty_label(self) -> str:
        return str(Difficulty(self.difficulty).label) if self.difficulty else "—"

    @property
    def outcome_label(self) -> str:
        return str(SubsidyOutcome(self.outcome).label)

    @property
    def review_label(self) -> str:
        return str(FileVerdict(self.review).label) if self.review else "—"

    @property
    def standing_label(self) -> str:
        return str(STANDING_LABELS[self.standing])

    @property
    def counted(self) -> bool:
        return self.standing == Standing.COUNTED

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for name in ("rate", "extra", "amount"):
            values[name] = str(values[name])
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Line:
        money = {name: Decimal(values[name]) for name in ("rate", "extra", "amount")}
        return cls(**{**values, **money})


def line_of(case: Case, rule: SubsidyRule | None) -> Line:
    """What one concluded case earns under ``rule`` (annotated as by ``concluded_cases``)."""
    outcome = OUTCOME_CLASSES[case.outcome]
    verdict = getattr(case, "review_verdict", None) or ""
    rate = rule.rate(case.difficulty, outcome) if rule and case.difficulty else ZERO
    extra = rule.file_bonus.quantize(CENT) if rule else ZERO
    if not case.difficulty:
        standing = Standing.UNGRADED
    elif verdict == FileVerdict.PASSED:
        standing = Standing.COUNTED
    elif verdict == FileVerdict.FAILED:
        standing = Standing.FAILED
    else:
        standing = Standing.UNREVIEWED
    counted = standing == Standing.COUNTED
    concluded: datetime = case.concluded  # type: ignore[attr-defined]  # annotated
    return Line(
        case_id=case.pk,
        number=case.number,
        community=case.community.name,
        concluded_on=f"{timezone.localtime(concluded):%Y-%m-%d}",
        difficulty=case.difficulty,
        outcome=outcome,
        review=verdict,
        standing=standing,
        rate=rate,
        extra=extra if counted else ZERO,
        amount=(rate + extra) if counted else ZERO,
    )


@dataclass
class Correction:
    """A case whose line would read differently now than on the approved statement."""

    number: str
    then: str
    now: str


@dataclass
class Statement:
    """A mediator's month in a street: computed (``frozen`` None) or as approved."""

    street: Street
    mediator: User
    month: date
    rule: SubsidyRule | None
    lines: list[Line]
    frozen: SubsidyStatement | None = None
    corrections: list[Correction] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        if self.frozen is not None:
            return self.frozen.subtotal
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def cap(self) -> Decimal | None:
        if self.frozen is not None:
            return self.frozen.cap
        return self.rule.monthly_cap if self.rule else None

    @property
    def total(self) -> Decimal:
        if self.frozen is not None:
            return self.frozen.total
        cap = self.cap
        return min(self.subtotal, cap) if cap is not None else self.subtotal

    @property
    def capped(self) -> bool:
        return self.total < self.subtotal

    @property
    def counted(self) -> int:
        return sum(1 for line in self.lines if line.counted)

    @property
    def pending(self) -> int:
        """Lines that earn nothing yet: not graded, file not reviewed or failed."""
        return len(self.lines) - self.counted

    @property
    def undecided(self) -> list[Line]:
        """Lines still waiting for a grade (待定级) or a file review (待评查): approving would
        freeze them at nothing. A failed file (不合格) is a verdict, not waiting."""
        return [
            line for line in self.lines if line.standing in (Standing.UNGRADED, Standing.UNREVIEWED)
        ]

    @property
    def key(self) -> str:
        return f"{self.street.pk}:{self.mediator.pk}:{self.month:%Y-%m}"

    def digest(self) -> str:
        """What the approver saw: the lines and the total (a change since refuses approval)."""
        import hashlib  # noqa: PLC0415  only when approving or showing the form

        text = repr(([line.as_dict() for line in self.lines], str(self.total)))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _line_text(line: Line) -> str:
    return f"{line.difficulty_label} · {line.outcome_label} · {line.standing_label} · {line.amount}"


def corrections(frozen: list[Line], now: list[Line]) -> list[Correction]:
    """The cases whose line differs now from the approved one (a later grade, review,
    outcome or conclusion in another month), in the approved order, then the new ones."""
    current = {line.case_id: line for line in now}
    found = []
    for line in frozen:
        later = current.pop(line.case_id, None)
        if later is None:
            found.append(Correction(line.number, _line_text(line), str(_("no longer this month"))))
        elif _line_text(later) != _line_text(line):
            found.append(Correction(line.number, _line_text(line), _line_text(later)))
    for line in current.values():
        found.append(Correction(line.number, str(_("not on it")), _line_text(line)))
    return found


def month_cases(
    streets: Iterable[int], month: date, mediator: int | None = None
) -> QuerySet[ConcludedCase]:
    """The concluded cases of ``month`` in these streets (of one mediator, if given)."""
    start, end = month_start(month), month_start(next_month(month))
    found = concluded_cases().filter(
        street_id__in=list(streets), mediator__isnull=False, concluded__gte=start, concluded__lt=end
    )
    if mediator is not None:
        found = found.filter(mediator_id=mediator)
    return found.select_related("community", "mediator", "street").order_by(
        "concluded", "number", "pk"
    )


def statements(streets: list[Street], month: date, mediator: User | None = None) -> list[Statement]:
    """Every statement of ``month`` in these streets (one mediator's only, if given): the
    approved ones as frozen, with the corrections since; the others computed. A mediator
    with an approved statement and no case left still shows it. Queries: the rules, the
    approved statements, the cases (with their reviews), whatever the number of mediators."""
    month = month.replace(day=1)
    rules = {district: rule_for(district, month) for district in {s.district_id for s in streets}}
    street_of = {s.pk: s for s in streets}
    approved = SubsidyStatement.objects.filter(street__in=streets, month=month).select_related(
        "mediator", "approved_by", "rule"
    )
    if mediator is not None:
        approved = approved.filter(mediator=mediator)
    live: dict[tuple[int, int], list[Line]] = {}
    people: dict[int, User] = {}
    for case in month_cases(street_of, month, mediator.pk if mediator else None):
        person = cast(User, case.mediator)  # month_cases leaves out cases without one
        people[person.pk] = person
        rule = rules[street_of[case.street_id].district_id]
        live.setdefault((case.street_id, person.pk), []).append(line_of(case, rule))
    found: dict[tuple[int, int], Statement] = {}
    for frozen in approved:
        key = (frozen.street_id, frozen.mediator_id)
        lines = [Line.from_dict(values) for values in frozen.lines]
        found[key] = Statement(
            street_of[frozen.street_id],
            frozen.mediator,
            month,
            frozen.rule,
            lines,
            frozen=frozen,
            corrections=corrections(lines, live.pop(key, [])),
        )
    for (street_id, person_pk), lines in live.items():
        street = street_of[street_id]
        found[(street_id, person_pk)] = Statement(
            street, people[person_pk], month, rules[street.district_id], lines
        )
    return sorted(
        found.values(),
        key=lambda s: (s.street.code, s.mediator.display_name or s.mediator.username),
    )


def statement(street: Street, mediator: User, month: date) -> Statement:
    """One mediator's statement of ``month`` in ``street`` (empty when nothing concluded)."""
    for found in statements([street], month, mediator):
        return found
    return Statement(
        street, mediator, month.replace(day=1), rule_for(street.district_id, month), []
    )
