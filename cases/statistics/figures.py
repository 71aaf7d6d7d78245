"""Street statistics, computed in the database: a fixed number of grouped queries whatever the
number of communities or cases (aggregation in SQL, never a Python loop over cases).

The headline 矛盾不上交 figures: of the disputes concluded in a period (settled, failed,
referred out; withdrawn and declined excluded), the shares settled at community level, settled
at street level, and not settled locally. Cases count at their ``settled_at`` (settled) or
``closed_at`` (failed, referred out).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models import (
    Case as When_,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import (
    DECLINE_OUTCOMES,
    SETTLED_OUTCOMES,
    DisputeType,
    Kind,
    Level,
    Outcome,
    Performance,
    Source,
    State,
    VisitStatus,
)
from cases.models import Case, CaseEvent, FollowUp, JointConsultation, VisitRequest
from clinic.choices import Role
from clinic.models import Community, MediationCommittee
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession

FAILED = (Outcome.FAILED, Outcome.PARTY_REFUSES)
MODES = (State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION, State.FOLLOW_UP)

#: The official report groups the eight sources into three columns.
SOURCE_GROUPS = {
    "parties": (Source.WALK_IN, Source.ONLINE),
    "initiative": (Source.OWN_INITIATIVE, Source.GRID_REFERRAL),
    "referred": (Source.POLICE, Source.COURT, Source.PETITIONS, Source.GOVERNMENT),
}


# --- Periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Dates from ``first`` to ``last``, both included, in Asia/Shanghai."""

    first: date
    last: date
    label: str

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def key(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{year}-{month:02d}")


def parse_period(text: str) -> Period:
    """``2026-09``, ``2026-Q3``, ``2026`` or ``2026-07-01..2026-09-30``."""
    text = text.strip()
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return month_period(year, month)
    if match := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        last = date(year, last_month, calendar.monthrange(year, last_month)[1])
        return Period(first, last, f"{year}-Q{quarter}")
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        return custom_period(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
    raise ValueError(f"not a period: {text!r}")


def custom_period(first: date, last: date) -> Period:
    if last < first:
        raise ValueError("the period ends before it starts")
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def last_months(last: Period, count: int = 12) -> list[Period]:
    months = []
    year, month = last.last.year, last.last.month
    for _month in range(count):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


# --- Figures --------------------------------------------------------------------------------


def _share(part: int | Decimal, whole: int | Decimal) -> float:
    return round(100.0 * float(part) / float(whole), 1) if whole else 0.0


def _shares(parts: list[int], whole: int) -> list[float]:
    """Percentages of ``whole`` to one decimal that sum to exactly 100 (largest remainder):
    a share that is 0 stays 0, and no share is off by more than 0.1."""
    if not whole:
        return [0.0 for _part in parts]
    tenths = [1000 * part / whole for part in parts]
    floors = [int(t) for t in tenths]
    missing = 1000 - sum(floors) if sum(parts) == whole else 0
    order = sorted(range(len(parts)), key=lambda i: floors[i] - tenths[i])
    for i in order[:missing]:
        floors[i] += 1
    return [f / 10 for f in floors]


#: Row fields that are not added up into a total: labels, the per-row shares and the averages
#: (these are computed for the total on their own).
NOT_ADDED = frozenset({"name", "code", "type_share", "avg_days", "median_days"})


@dataclass
class Row:
    """The figures of one community, one committee, one dispute type, or the whole scope.

    Every count is a flow of the period unless its comment says otherwise (see
    :data:`DEFINITIONS`); the balance identity ``carried_in + accepted == settled + failed +
    referred + ended + still_open`` holds for every row."""

    name: str
    code: str = ""
    # The balance: 上期结转 + 受理 = 成功 + 不成功 + 上交 + 撤回/终止 + 期末在办.
    carried_in: int = 0  # 上期结转: accepted before the period, open at its start (a stock)
    accepted: int = 0  # 受理: accepted in the period, re-acceptances on reopening included
    reaccepted: int = 0  # of which reopened in the period
    settled: int = 0  # 调解成功 = written + oral
    written: int = 0  # 书面协议
    oral: int = 0  # 口头协议
    settled_community: int = 0
    settled_street: int = 0
    failed: int = 0  # 调解不成功: failed, or a party refuses
    referred: int = 0  # 上交: referred out
    ended: int = 0  # 撤回/终止 = withdrawn + declined (after acceptance)
    withdrawn: int = 0
    declined: int = 0
    still_open: int = 0  # 期末在办 = 结转下期 (a stock at the period's end)
    overdue: int = 0  # 期末超期: open and past mediation_due at min(period end, today)
    # Agreements and money.
    confirm_applied: int = 0  # 司法确认 applied in the period (agreements)
    confirm_confirmed: int = 0  # 司法确认 confirmed in the period (agreements)
    agreements_performed: int = 0  # 已履行: agreements first found fully performed
    amount_involved: Decimal = Decimal(0)  # 涉及金额 (yuan) of the accepted
    amount_agreed: Decimal = Decimal(0)  # 协议金额 (yuan) of the settled
    parties: int = 0  # 当事人数 of the accepted (applicants, respondents, third parties)
    multi_party: int = 0  # accepted cases with three or more parties
    # Sources of the accepted, in the official bands.
    source_parties: int = 0  # 当事人申请
    source_initiative: int = 0  # 主动调解
    source_referred: int = 0  # 委托移送
    court_delegated: int = 0  # 法院委派（诉前）, within source_referred
    court_entrusted: int = 0  # 法院委托（诉中）, within source_referred
    # Prevention (件 and 人), of the accepted.
    criminal_cases: int = 0  # 防止民转刑
    criminal_persons: int = 0
    suicide_cases: int = 0  # 防止引起自杀 (0 until the ledgers issue)
    suicide_persons: int = 0
    petition_cases: int = 0  # 防止群体性上访
    petition_persons: int = 0
    fight_cases: int = 0  # 防止群体性械斗 (0 until the ledgers issue)
    fight_persons: int = 0
    incident_cases: int = 0  # 防止群体性事件 (0 until the ledgers issue)
    incident_persons: int = 0
    # 排查 (cases.statistics.ledgers; 0 until the ledgers issue).
    sweeps: int = 0  # 排查次数
    sweep_found: int = 0  # 排查发现纠纷
    sweep_prevented: int = 0  # 预防纠纷
    # 万人成讼率.
    population: int | None = None  # residents (Community.population)
    civil_filings: int = 0  # 民事一审收案 (cases.statistics.litigation)
    # Set on by-type rows: this type's accepted ÷ all accepted, %.
    type_share: float | None = None
    # The clinic's own page figures.
    advice: int = 0
    modes: dict[str, int] = field(default_factory=dict)
    avg_days: float | None = None
    median_days: float | None = None
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    follow_ups_done: int = 0
    performed: int = 0  # follow-up visits that found full performance (not agreements)
    sessions: int = 0
    seats: int = 0
    seats_covered: int = 0
    visits_requested: int = 0
    visits_done: int = 0
    consultations: int = 0

    # --- derived figures ---

    @property
    def label(self) -> str:
        """The row's name (the by-type table used to be dicts with a ``label``)."""
        return self.name

    @property
    def concluded(self) -> int:
        """办结: settled, failed or referred out (withdrawn and declined are not concluded)."""
        return self.settled + self.failed + self.referred

    @property
    def unsettled(self) -> int:
        return self.failed + self.referred

    @property
    def success_rate(self) -> float:
        """成功率 (official): 调解成功 ÷ 受理, %. Flows, so it can exceed 100."""
        return _share(self.settled, self.accepted)

    @property
    def rate(self) -> float:
        """Alias of :attr:`success_rate` (the by-type table's old key)."""
        return self.success_rate

    @property
    def concluded_success_rate(self) -> float:
        """办结成功率: 调解成功 ÷ (成功 + 不成功 + 上交), %."""
        return _share(self.settled, self.concluded)

    def _level_shares(self) -> list[float]:
        return _shares(
            [self.settled_community, self.settled_street, self.failed, self.referred],
            self.concluded,
        )

    @property
    def community_share(self) -> float:
        return self._level_shares()[0]

    @property
    def street_share(self) -> float:
        return self._level_shares()[1]

    @property
    def failed_share(self) -> float:
        return self._level_shares()[2]

    @property
    def referred_share(self) -> float:
        return self._level_shares()[3]

    @property
    def not_local_share(self) -> float:
        """Failed plus referred out: with the two local shares it sums to exactly 100."""
        shares = self._level_shares()
        return round(shares[2] + shares[3], 1)

    @property
    def balance_holds(self) -> bool:
        """上期结转 + 受理 = 成功 + 不成功 + 上交 + 撤回/终止 + 期末在办."""
        return self.carried_in + self.accepted == (
            self.settled + self.failed + self.referred + self.ended + self.still_open
        )

    @property
    def litigation_rate(self) -> float | None:
        """万人成讼率: civil first-instance filings per 10,000 residents (None without a
        population)."""
        if not self.population:
            return None
        return round(10000.0 * self.civil_filings / self.population, 2)

    @property
    def on_time_share(self) -> float:
        return _share(self.follow_ups_on_time, self.follow_ups_due)

    @property
    def performed_share(self) -> float:
        return _share(self.performed, self.follow_ups_done)

    def __getitem__(self, key: str) -> Any:
        """``row["accepted"]``: the by-type table's rows used to be dicts."""
        return getattr(self, key)

    def add(self, other: Row) -> None:
        """Add every count and amount of ``other`` (every int or Decimal field; a population
        only where known), and its modes."""
        for spec in fields(self):
            if spec.name in NOT_ADDED:
                continue
            value = getattr(other, spec.name)
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                continue
            mine = getattr(self, spec.name)
            setattr(self, spec.name, value if mine is None else mine + value)
        for mode, n in other.modes.items():
            self.modes[mode] = self.modes.get(mode, 0) + n


@dataclass
class Unit:
    """A reporting unit: one mediation committee, its total and its 15 type rows."""

    name: str
    committee_id: int
    total: Row
    by_type: list[Row] = field(default_factory=list)


@dataclass
class Report:
    period: Period
    scope_label: str
    rows: list[Row]
    total: Row
    by_type: list[Row]
    by_source: list[tuple[str, str, int]]
    hours_by_role: list[tuple[str, float]]
    trend: list[dict[str, Any]]
    units: list[Unit] = field(default_factory=list)
    previous: Row | None = None  # 环比: the totals of the preceding period of the same length
    year_ago: Row | None = None  # 同比: the totals of the same period a year before


def _in(prefix: str, period: Period) -> Q:
    return Q(**{f"{prefix}__gte": period.start, f"{prefix}__lt": period.end})


def _case_aggregates(period: Period) -> dict[str, Any]:
    dispute = Q(kind=Kind.DISPUTE)
    accepted = dispute & _in("accepted_at", period)
    settled = Q(outcome__in=SETTLED_OUTCOMES) & _in("settled_at", period)
    open_at_end = (
        dispute
        & Q(accepted_at__lt=period.end)
        & (Q(settled_at__isnull=True) | Q(settled_at__gte=period.end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.end))
    )
    return {
        "accepted": Count("pk", filter=accepted),
        "advice": Count("pk", filter=Q(kind=Kind.ADVICE) & _in("closed_at", period)),
        "settled": Count("pk", filter=settled),
        "settled_community": Count("pk", filter=settled & Q(level=Level.COMMUNITY)),
        "settled_street": Count("pk", filter=settled & Q(level=Level.STREET)),
        "failed": Count("pk", filter=Q(outcome__in=FAILED) & _in("closed_at", period)),
        "withdrawn": Count("pk", filter=Q(outcome=Outcome.WITHDRAWN) & _in("closed_at", period)),
        "declined": Count("pk", filter=Q(outcome__in=DECLINE_OUTCOMES) & _in("closed_at", period)),
        "referred": Count("pk", filter=Q(outcome=Outcome.REFERRED_OUT) & _in("closed_at", period)),
        "still_open": Count("pk", filter=open_at_end),
        "overdue": Count("pk", filter=open_at_end & Q(mediation_due__lt=period.last)),
        "amount_involved": Coalesce(Sum("amount_involved", filter=accepted), Decimal(0)),
        "amount_agreed": Coalesce(Sum("amount_agreed", filter=settled), Decimal(0)),
        "criminal_cases": Count("pk", filter=accepted & Q(prevented_criminal=True)),
        "criminal_persons": Coalesce(
            Sum("prevented_criminal_persons", filter=accepted & Q(prevented_criminal=True)), 0
        ),
        "petition_cases": Count("pk", filter=accepted & Q(prevented_petition=True)),
        "petition_persons": Coalesce(
            Sum("prevented_petition_persons", filter=accepted & Q(prevented_petition=True)), 0
        ),
    }


def _relevant(cases: Any, period: Period) -> Any:
    """Only cases that can count in this period (the still-open ones included)."""
    return cases.filter(
        _in("accepted_at", period)
        | _in("settled_at", period)
        | _in("closed_at", period)
        | (
            Q(accepted_at__lt=period.end)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.end))
        )
    )


class Median(Aggregate):
    """PostgreSQL's median: ``percentile_cont(0.5)``, between the middle two when even."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _durations(cases: Any, period: Period) -> dict[int | None, tuple[float | None, float | None]]:
    """Average and median days from acceptance to settlement, per community and in total.
    PostgreSQL has a median aggregate; elsewhere the median comes from a window query (row
    number within the community's ordered durations)."""
    settled = cases.filter(outcome__in=SETTLED_OUTCOMES).filter(_in("settled_at", period))
    duration = ExpressionWrapper(F("settled_at") - F("accepted_at"), output_field=DurationField())
    result: dict[int | None, tuple[float | None, float | None]] = {}
    if connection.vendor == "postgresql":
        figures = {"avg": Avg(duration), "median": Median(duration)}
        for row in settled.values("community").annotate(**figures).order_by():
            result[row["community"]] = (_days(row["avg"]), _days(row["median"]))
        total = settled.aggregate(**figures)
        if total["median"] is not None:
            result[None] = (_days(total["avg"]), _days(total["median"]))
        return result
    averages = {
        row["community"]: row["avg"]
        for row in settled.values("community").annotate(avg=Avg(duration)).order_by()
    }
    total_avg = settled.aggregate(avg=Avg(duration))["avg"]
    for partition, key in (([F("community")], "community"), ([], None)):
        ranked = settled.annotate(
            days=duration,
            position=Window(RowNumber(), partition_by=partition or None, order_by=[duration.asc()]),
            size=Window(Count("pk"), partition_by=partition or None),
        ).filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        middles: dict[Any, list[float]] = {}
        for row in ranked.values("community", "days"):
            middles.setdefault(row["community"] if key else None, []).append(
                row["days"].total_seconds() / 86400
            )
        for group, values in middles.items():
            average = averages.get(group) if key else total_avg
            result[group] = (_days(average), round(sum(values) / len(values), 1))
    return result


def compute(
    communities: list[Community],
    period: Period,
    scope_label: str,
    *,
    committees: list[MediationCommittee] | None = None,
) -> Report:
    ids = [c.pk for c in communities]
    rows = {c.pk: Row(name=c.name) for c in communities}
    cases = Case.objects.filter(community_id__in=ids)
    if committees is not None:
        cases = cases.filter(committee__in=committees)
    by_type, by_source = _case_figures(cases, period, rows)
    modes = (
        CaseEvent.objects.filter(case__community_id__in=ids, kind="transition", to_state__in=MODES)
        .filter(_in("at", period))
        .values("case__community", "to_state")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for values in modes:
        rows[values["case__community"]].modes[values["to_state"]] = values["n"]
    durations = _durations(cases, period)
    for community_id, (average, median) in durations.items():
        if community_id in rows:
            rows[community_id].avg_days, rows[community_id].median_days = average, median
    _follow_ups(ids, period, rows)
    _service(ids, period, rows)
    total = Row(name="合计")
    for row in rows.values():
        total.add(row)
    if None in durations:
        total.avg_days, total.median_days = durations[None]
    return Report(
        period=period,
        scope_label=scope_label,
        rows=list(rows.values()),
        total=total,
        by_type=by_type,
        by_source=by_source,
        hours_by_role=_hours_by_role(ids, period),
        trend=trend(cases, period),
    )


#: The figures of each dispute type (the official monthly report's columns): those counted as
#: for a community, then the unsettled (failed or referred out) and the accepted by source group.
TYPE_COUNTED = (
    "accepted",
    "settled",
    "amount_agreed",
    "criminal_cases",
    "criminal_persons",
    "petition_cases",
    "petition_persons",
)
TYPE_FIGURES = (*TYPE_COUNTED, "unsettled", *(f"source_{group}" for group in SOURCE_GROUPS))


def _case_figures(
    cases: Any, period: Period, rows: dict[int, Row]
) -> tuple[list[Row], list[tuple[str, str, int]]]:
    """The case figures of every community, of the 15 dispute types (the official monthly
    report's rows) and of the 8 sources, from one grouped query: counted per community, type
    and source in the database, the groups (at most communities × 15 × 8) then added up."""
    aggregates = _case_aggregates(period)
    groups = (
        _relevant(cases, period)
        .values("community", "dispute_type", "source")
        .annotate(**aggregates)
        .order_by()
    )
    types: dict[str, dict[str, Any]] = {}
    sources: dict[str, int] = {}
    known_types = set(DisputeType.values)
    for values in groups:
        row = rows[values.pop("community")]
        dispute_type, source = values.pop("dispute_type"), values.pop("source")
        for name, value in values.items():
            setattr(row, name, getattr(row, name) + value)
        if dispute_type in known_types:
            figures = types.setdefault(dispute_type, dict.fromkeys(TYPE_FIGURES, 0))
            for name in TYPE_COUNTED:
                figures[name] += values[name]
            figures["unsettled"] += values["failed"] + values["referred"]
            for group, members in SOURCE_GROUPS.items():
                if source in members:
                    figures[f"source_{group}"] += values["accepted"]
        sources[source] = sources.get(source, 0) + values["accepted"]
    by_type = []
    for code, label in DisputeType.choices:
        figures = types.get(code, dict.fromkeys(TYPE_FIGURES, 0))
        unsettled = figures.pop("unsettled")
        by_type.append(Row(name=str(label), code=code, failed=unsettled, **figures))
    by_source = [(code, str(label), sources.get(code, 0)) for code, label in Source.choices]
    return by_type, by_source


def _follow_ups(ids: list[int], period: Period, rows: dict[int, Row]) -> None:
    done_day = TruncDate("done_at", tzinfo=timezone.get_current_timezone())
    found = (
        FollowUp.objects.filter(case__community_id__in=ids)
        .annotate(done_day=done_day)
        .values("case__community")
        .annotate(
            due=Count("pk", filter=Q(due_on__gte=period.first, due_on__lte=period.last)),
            on_time=Count(
                "pk",
                filter=Q(due_on__gte=period.first, due_on__lte=period.last)
                & Q(done_day__lte=F("due_on")),
            ),
            done=Count("pk", filter=_in("done_at", period)),
            performed=Count("pk", filter=_in("done_at", period) & Q(performance=Performance.FULL)),
        )
        .order_by()
    )
    for values in found:
        row = rows[values["case__community"]]
        row.follow_ups_due, row.follow_ups_on_time = values["due"], values["on_time"]
        row.follow_ups_done, row.performed = values["done"], values["performed"]


def _service(ids: list[int], period: Period, rows: dict[int, Row]) -> None:
    """Sessions held, seats covered, home visits, consultations: the clinic's service."""
    now = timezone.now()
    held = Q(status=SessionStatus.PUBLISHED, ends_at__lte=now) & _in("starts_at", period)
    sessions = (
        ClinicSession.objects.filter(clinic__community_id__in=ids)
        .filter(held)
        .values("clinic__community")
        .annotate(
            n=Count("pk", distinct=True),
            seat_count=Count("seats", distinct=True),
            covered=Count(
                "seats__bookings",
                filter=Q(seats__bookings__status=BookingStatus.ACTIVE),
                distinct=True,
            ),
        )
        .order_by()
    )
    for values in sessions:
        row = rows[values["clinic__community"]]
        row.sessions, row.seats, row.seats_covered = (
            values["n"],
            values["seat_count"],
            values["covered"],
        )
    visits = (
        VisitRequest.objects.filter(community_id__in=ids)
        .values("community")
        .annotate(
            requested=Count("pk", filter=_in("created_at", period)),
            done=Count("pk", filter=Q(status=VisitStatus.VISITED) & _in("visited_at", period)),
        )
        .order_by()
    )
    for values in visits:
        rows[values["community"]].visits_requested = values["requested"]
        rows[values["community"]].visits_done = values["done"]
    consultations = (
        JointConsultation.objects.filter(case__community_id__in=ids)
        .filter(_in("convened_at", period))
        .values("case__community")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for values in consultations:
        rows[values["case__community"]].consultations = values["n"]


def _hours_by_role(ids: list[int], period: Period) -> list[tuple[str, float]]:
    """On-site hours per role: checked in and out, or the session's length when marked
    present."""
    on_site = When_(
        When(
            checked_in_at__isnull=False,
            checked_out_at__isnull=False,
            then=ExpressionWrapper(
                F("checked_out_at") - F("checked_in_at"), output_field=DurationField()
            ),
        ),
        When(
            attendance="present",
            then=ExpressionWrapper(
                F("seat__session__ends_at") - F("seat__session__starts_at"),
                output_field=DurationField(),
            ),
        ),
        default=Value(timedelta(0)),
        output_field=DurationField(),
    )
    found = (
        Booking.objects.filter(seat__session__clinic__community_id__in=ids)
        .exclude(status=BookingStatus.CANCELLED)
        .filter(_in("seat__session__starts_at", period))
        .values("role")
        .annotate(hours=Sum(on_site))
        .order_by("role")
    )
    return [
        (
            str(Role(row["role"]).label) if row["role"] in Role.values else row["role"],
            round((row["hours"] or timedelta(0)).total_seconds() / 3600, 1),
        )
        for row in found
    ]


def trend(cases: Any, period: Period, months: int = 12) -> list[dict[str, Any]]:
    """The 矛盾不上交 shares of the twelve months up to the period's last month."""
    window = last_months(period, months)
    first, last = window[0], window[-1]
    concluded_at = When_(
        When(outcome__in=SETTLED_OUTCOMES, then=F("settled_at")),
        default=F("closed_at"),
        output_field=DateTimeField(),
    )
    rows = (
        cases.filter(
            Q(outcome__in=SETTLED_OUTCOMES, settled_at__gte=first.start, settled_at__lt=last.end)
            | Q(
                outcome__in=(*FAILED, Outcome.REFERRED_OUT),
                closed_at__gte=first.start,
                closed_at__lt=last.end,
            )
        )
        .annotate(month=TruncMonth(concluded_at, tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            community=Count("pk", filter=Q(outcome__in=SETTLED_OUTCOMES, level=Level.COMMUNITY)),
            street=Count("pk", filter=Q(outcome__in=SETTLED_OUTCOMES, level=Level.STREET)),
            other=Count("pk", filter=Q(outcome__in=(*FAILED, Outcome.REFERRED_OUT))),
        )
        .order_by("month")
    )
    found = {}
    for values in rows:
        month = values["month"]
        key = (month.year, month.month) if month else None
        found[key] = values
    result = []
    for month in window:
        values = found.get((month.first.year, month.first.month), {})
        row = Row(
            name=month.label,
            settled_community=values.get("community", 0),
            settled_street=values.get("street", 0),
            settled=values.get("community", 0) + values.get("street", 0),
            failed=values.get("other", 0),
        )
        result.append(
            {
                "label": month.label,
                "concluded": row.concluded,
                "community": row.community_share,
                "street": row.street_share,
                "not_local": row.not_local_share,
            }
        )
    return result


#: What each filed figure is called on the page (a correction names the figure that changed).
SNAPSHOT_LABELS = {
    "accepted": pgettext_lazy("number of cases", "Accepted"),
    "advice": pgettext_lazy("number of walk-in questions", "Advice"),
    "settled": _("Settled"),
    "settled_community": _("Settled in the community"),
    "settled_street": _("Settled in the street"),
    "failed": pgettext_lazy("number of cases", "Failed"),
    "withdrawn": _("Withdrawn"),
    "declined": pgettext_lazy("number of cases", "Declined"),
    "referred": _("Referred out"),
    "still_open": _("Still open"),
    "overdue": _("Overdue at the period's end"),
    "amount_involved": _("Amount involved (yuan)"),
    "amount_agreed": _("Amount agreed (yuan)"),
    "community_share": _("Settled in the community (%)"),
    "street_share": _("Settled in the street (%)"),
    "not_local_share": _("Not settled locally (%)"),
    "success_rate": _("Success rate (%)"),
}


def as_snapshot(report: Report) -> dict[str, Any]:
    """The figures a street files, frozen as data."""
    keys = [
        "accepted",
        "advice",
        "settled",
        "settled_community",
        "settled_street",
        "failed",
        "withdrawn",
        "declined",
        "referred",
        "still_open",
        "overdue",
    ]

    def pack(row: Row) -> dict[str, Any]:
        data = {k: getattr(row, k) for k in keys}
        data.update(
            amount_involved=str(row.amount_involved),
            amount_agreed=str(row.amount_agreed),
            community_share=row.community_share,
            street_share=row.street_share,
            not_local_share=row.not_local_share,
            success_rate=row.success_rate,
        )
        return data

    return {"rows": {row.name: pack(row) for row in report.rows}, "total": pack(report.total)}
