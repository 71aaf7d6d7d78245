"""The people's-mediation figures of a period: the official report's columns, the 矛盾不上交
shares and the clinic's own page figures, computed in the database.

The counting rule (also :data:`DEFINITIONS`, printed under the official table):

- Every figure is a *flow* of the period unless it is a stock at one of its ends: 受理 counts
  disputes by their acceptance date, 调解成功 / 调解不成功 / 上交 / 撤回·终止 count them by the
  date of that outcome. A case accepted in May and settled in June is 受理 in May and 成功 in
  June, so in a month when older cases settle 成功 can exceed 受理 (and 成功率 100 %).
- Only disputes (never legal advice), and only disputes that were accepted: a dispute declined
  before acceptance is in no column of the balance.
- 上期结转 is the stock of accepted disputes open at the period's start, 期末在办 (结转下期) the
  stock open at its end, so for every community, committee, type and the total:
  上期结转 + 受理 = 调解成功 + 调解不成功 + 上交 + 撤回/终止 + 期末在办.
- A reopened case does not rewrite history: its earlier round (``CaseReopening``) still counts
  where it was settled, and the reopening counts as a re-acceptance (受理, of which 重新受理) in
  its own period. Each round is accepted once and concluded at most once.
- 成功率 = 调解成功 ÷ 受理 (the official figure); 办结成功率 = 调解成功 ÷ (成功 + 不成功 + 上交).
- 期末超期: open, and past its mediation due date, at the period's end or now, whichever is
  earlier (the case list's overdue rule on that day).
- Figures of the accepted (sources, amounts involved, parties, prevention) count each
  acceptance, re-acceptances included, so 受理 = 当事人申请 + 主动调解 + 委托移送 always holds.

A fixed number of grouped queries whatever the number of communities, committees or cases:
each counts per (community, committee, dispute type, source) in the database and the groups
(at most communities × committees × 16 × 9) are rolled up here into communities, committees
(``Unit``), dispute types and the total; never a Python loop over cases.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    BigIntegerField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models import (
    Case as When_,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import (
    DECLINE_OUTCOMES,
    PREVENTED_HARMS,
    SETTLED_OUTCOMES,
    DisputeType,
    Kind,
    Level,
    Outcome,
    Performance,
    Side,
    Source,
    State,
    VisitStatus,
)
from cases.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseReopening,
    FollowUp,
    JointConsultation,
    Party,
    VisitRequest,
)
from cases.statistics import ledgers, litigation
from clinic.choices import CommitteeLevel, Role
from clinic.models import Community, MediationCommittee
from scheduling.choices import BookingStatus, SessionStatus
from scheduling.models import Booking, ClinicSession

FAILED = (Outcome.FAILED, Outcome.PARTY_REFUSES)
MODES = (State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION, State.FOLLOW_UP)

#: The official report's three source bands (当事人申请, 主动调解, 委托移送) and the sources in
#: each (docs/report-figures.md has the table).
SOURCE_GROUPS = {
    "parties": (Source.WALK_IN, Source.ONLINE),
    "initiative": (Source.OWN_INITIATIVE, Source.GRID_REFERRAL),
    "referred": (
        Source.POLICE,
        Source.COURT,
        Source.COURT_ENTRUSTED,
        Source.PETITIONS,
        Source.GOVERNMENT,
    ),
}

#: The court's referrals, reported apart within 委托移送.
COURT_SOURCES = {"court_delegated": Source.COURT, "court_entrusted": Source.COURT_ENTRUSTED}

#: Who counts in 当事人数: the parties themselves, not their agents or guardians.
PRINCIPAL_SIDES = (Side.APPLICANT, Side.RESPONDENT, Side.THIRD_PARTY)

#: The prevention columns (预防效果): column prefix → (the case's flag, its persons), for each
#: harm the case records (``cases.choices.PREVENTED_HARMS``: 防止民转刑, 引起自杀, 群体性上访,
#: 群体性械斗, 群体性事件).
PREVENTION = {harm: (f"prevented_{harm}", f"prevented_{harm}_persons") for harm in PREVENTED_HARMS}

#: The groups every case query counts in.
DIMENSIONS = ("community", "committee", "dispute_type", "source")


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


def _whole_months(period: Period) -> int | None:
    """How many calendar months the period spans, when it is whole months; else None."""
    if period.first.day != 1:
        return None
    if period.last.day != calendar.monthrange(period.last.year, period.last.month)[1]:
        return None
    return (period.last.year - period.first.year) * 12 + period.last.month - period.first.month + 1


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months_period(first: date, months: int) -> Period:
    last = _shift_months(first, months - 1)
    last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    if months == 1:
        return month_period(first.year, first.month)
    if months == 3 and first.month % 3 == 1:
        return Period(first, last, f"{first.year}-Q{(first.month + 2) // 3}")
    if months == 12 and first.month == 1:
        return Period(first, last, str(first.year))
    return custom_period(first, last)


def previous_period(period: Period) -> Period:
    """环比: the period of the same length just before (the month, quarter or year before;
    the same number of days before a custom range)."""
    months = _whole_months(period)
    if months is not None:
        return _months_period(_shift_months(period.first, -months), months)
    days = (period.last - period.first).days + 1
    return custom_period(period.first - timedelta(days=days), period.first - timedelta(days=1))


def year_before(period: Period) -> Period:
    """同比: the same period a year before."""
    months = _whole_months(period)
    if months is not None:
        return _months_period(_shift_months(period.first, -12), months)
    return custom_period(_shift_months(period.first, -12), _shift_months(period.last, -12))


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
    suicide_cases: int = 0  # 防止引起自杀
    suicide_persons: int = 0
    petition_cases: int = 0  # 防止群体性上访
    petition_persons: int = 0
    fight_cases: int = 0  # 防止群体性械斗
    fight_persons: int = 0
    incident_cases: int = 0  # 防止群体性事件
    incident_persons: int = 0
    # 排查 (cases.statistics.ledgers; 0 until the ledgers issue).
    sweeps: int = 0  # 排查次数
    sweep_found: int = 0  # 排查发现纠纷
    sweep_prevented: int = 0  # 预防纠纷
    # 万人成讼率.
    population: int | None = None  # residents (Community.population)
    civil_filings: int = 0  # 民事一审收案 (cases.statistics.litigation)
    # How many of the row's communities have no court figure for the period: their filings
    # are unknown, not none, so the row has no 万人成讼率.
    filings_missing: int = 0
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
        if not self.population or self.filings_missing:
            return None
        return round(10000.0 * self.civil_filings / self.population, 2)

    @property
    def amount_agreed_10k(self) -> Decimal:
        """协议金额 in 万元 (ten thousand yuan), to two places."""
        return (self.amount_agreed / 10000).quantize(Decimal("0.01"))

    @property
    def amount_involved_10k(self) -> Decimal:
        """涉及金额 in 万元, to two places."""
        return (self.amount_involved / 10000).quantize(Decimal("0.01"))

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

    @property
    def definitions(self) -> list[tuple[str, str]]:
        """The counting rule, to print under the table (:data:`DEFINITIONS`)."""
        return DEFINITIONS


# --- The counting rule, in words --------------------------------------------------------------

#: The definitions printed under the official table and in its files (always in Chinese, as
#: filed upward): (label, definition).
DEFINITIONS: list[tuple[str, str]] = [
    (
        "统计口径",
        "本表数字为本期流量：受理按受理日期计，调解成功、调解不成功、上交、撤回/终止按各自"
        "发生日期计。因此旧案集中办结的月份，调解成功数可以大于受理数，成功率可以超过 100%。",
    ),
    (
        "受理",
        "本期受理的矛盾纠纷（不含法律咨询），含已调解成功后重新调解的案件（重新受理）。"
        "受理前即不予受理的纠纷不计入本表。",
    ),
    (
        "调解成功",
        "本期达成调解协议的纠纷，等于书面协议与口头协议之和。重新调解的案件，"
        "此前的调解成功仍计入当时的期间。",
    ),
    ("调解不成功", "本期终止调解的纠纷：调解不成功，或一方当事人拒绝调解。"),
    ("上交", "本期移交法院、信访部门或其他部门处理的纠纷，单独统计，不计入调解不成功。"),
    ("撤回/终止", "受理后当事人撤回申请或不予受理的纠纷。"),
    (
        "成功率",
        "调解成功 ÷ 受理 × 100%（上级统计口径）。数字为本期流量，旧案集中办结的月份调解成功数"
        "可以大于受理数，成功率可以超过 100%。",
    ),
    ("办结成功率", "调解成功 ÷（调解成功 + 调解不成功 + 上交）× 100%。"),
    ("上期结转", "本期开始时已受理、尚未办结的纠纷。"),
    (
        "结转下期",
        "本期结束时已受理、尚未办结的纠纷（期末在办）。"
        "上期结转 + 受理 = 调解成功 + 调解不成功 + 上交 + 撤回/终止 + 结转下期。",
    ),
    ("期末超期", "期末或今日（取较早者）仍在调解、且已超过调解期限的纠纷。"),
    (
        "司法确认",
        "本期申请司法确认的调解协议数（按申请日期）与本期经法院确认有效的协议数"
        "（按裁定日期）；协议经更正的，只计现行版本。",
    ),
    ("已履行", "本期回访首次确认全部履行的调解协议数，每份协议只计一次，不按回访次数计。"),
    (
        "协议金额、涉及金额",
        "协议金额为本期调解成功纠纷的协议金额，涉及金额为本期受理纠纷的涉及金额，单位万元。",
    ),
    (
        "当事人数",
        "本期受理纠纷的申请人、被申请人和第三人人数，不含代理人、监护人；"
        "另计三方以上当事人的纠纷件数。",
    ),
    (
        "纠纷来源",
        "当事人申请：来访、网上申请；主动调解：主动排查、网格员移交；委托移送：公安移送、"
        "法院委派（诉前）、法院委托（诉中）、信访移送、政府部门交办。法院委派、委托另行单列。",
    ),
    ("占比", "该类纠纷受理数 ÷ 受理总数 × 100%。"),
    ("环比、同比", "与上一个等长期间相比为环比，与上年同期相比为同比。"),
    (
        "万人成讼率",
        "法院民事一审收案数 ÷ 常住人口 × 10000。尚未录入法院收案数的社区不计算（显示为“—”），"
        "含有此类社区的合计亦不计算。",
    ),
    (
        "预防",
        "防止民转刑、防止群体性上访取自受理纠纷的登记；防止引起自杀、防止群体性械斗、"
        "防止群体性事件及排查数字，待排查台账功能上线后填报，此前为 0。",
    ),
]


# --- Counting ---------------------------------------------------------------------------------


def _in(prefix: str, period: Period) -> Q:
    return Q(**{f"{prefix}__gte": period.start, f"{prefix}__lt": period.end})


@dataclass(frozen=True)
class _Moments:
    """When a period's figures are read: its start (上期结转), its end (期末在办), and the
    moment and day 期末超期 is judged at (the period's end or now, whichever is earlier)."""

    period: Period
    start: datetime
    end: datetime
    overdue_at: datetime
    overdue_day: date


def _moments(period: Period) -> _Moments:
    return _Moments(
        period,
        period.start,
        period.end,
        min(period.end, timezone.now()),
        min(period.last, timezone.localdate()),
    )


def _principals(case: str) -> Coalesce:
    """How many parties (not agents or guardians) the case has."""
    found = (
        Party.objects.filter(case=OuterRef(case), side__in=PRINCIPAL_SIDES)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(found, output_field=IntegerField()), Value(0))


def _case_concluded_at() -> When_:
    """When a case's current round ended: at its settlement if settled, else at its closing;
    without an outcome it has not ended."""
    return When_(
        When(outcome__in=SETTLED_OUTCOMES, then=Coalesce("settled_at", "closed_at")),
        When(outcome="", then=Value(None)),
        default=F("closed_at"),
        output_field=DateTimeField(),
    )


def _round_concluded_at() -> When_:
    """When a reopening's earlier round ended (``CaseReopening.concluded_at``)."""
    return When_(
        When(outcome__in=SETTLED_OUTCOMES, then=Coalesce("settled_at", "closed_at", "at")),
        default=Coalesce("closed_at", "at"),
        output_field=DateTimeField(),
    )


def _of_accepted(p: str, accepted: Q, case: str) -> dict[str, Any]:
    """The figures of the accepted: count, money involved, parties, prevention."""
    figures: dict[str, Any] = {
        f"{p}accepted": Count("pk", filter=accepted),
        f"{p}amount_involved": Coalesce(
            Sum(f"{case}amount_involved", filter=accepted), Value(Decimal(0))
        ),
        f"{p}parties": Coalesce(Sum("principals", filter=accepted), Value(0)),
        f"{p}multi_party": Count("pk", filter=accepted & Q(principals__gte=3)),
    }
    for column, (flag, persons) in PREVENTION.items():
        prevented = accepted & Q(**{f"{case}{flag}": True})
        figures[f"{p}{column}_cases"] = Count("pk", filter=prevented)
        figures[f"{p}{column}_persons"] = Coalesce(
            Sum(f"{case}{persons}", filter=prevented), Value(0)
        )
    return figures


def _outcomes(p: str, concluded: Q) -> dict[str, Any]:
    """How the rounds concluded in the period ended (the fields ``outcome``, ``level`` and
    ``amount_agreed`` of a case and of a reopening's earlier round alike)."""
    settled = concluded & Q(outcome__in=SETTLED_OUTCOMES)
    counted = (*SETTLED_OUTCOMES, *FAILED, Outcome.REFERRED_OUT)
    return {
        f"{p}settled": Count("pk", filter=settled),
        f"{p}written": Count("pk", filter=concluded & Q(outcome=Outcome.SETTLED_WRITTEN)),
        f"{p}oral": Count("pk", filter=concluded & Q(outcome=Outcome.SETTLED_ORAL)),
        f"{p}settled_community": Count("pk", filter=settled & Q(level=Level.COMMUNITY)),
        f"{p}settled_street": Count("pk", filter=settled & Q(level=Level.STREET)),
        f"{p}failed": Count("pk", filter=concluded & Q(outcome__in=FAILED)),
        f"{p}referred": Count("pk", filter=concluded & Q(outcome=Outcome.REFERRED_OUT)),
        f"{p}ended": Count("pk", filter=concluded & ~Q(outcome__in=counted)),
        f"{p}withdrawn": Count("pk", filter=concluded & Q(outcome=Outcome.WITHDRAWN)),
        f"{p}declined": Count("pk", filter=concluded & Q(outcome__in=DECLINE_OUTCOMES)),
        f"{p}amount_agreed": Coalesce(Sum("amount_agreed", filter=settled), Value(Decimal(0))),
    }


def _prefix(index: int) -> str:
    return f"p{index}_"


@dataclass(frozen=True)
class _Scope:
    """The cases counted: of these communities, and of these committees when given."""

    community_ids: list[int]
    committee_ids: list[int] | None

    def of(self, queryset: Any, case: str = "") -> Any:
        found = queryset.filter(**{f"{case}community_id__in": self.community_ids})
        if self.committee_ids is not None:
            found = found.filter(**{f"{case}committee_id__in": self.committee_ids})
        return found


def _case_groups(scope: _Scope, moments: list[_Moments]) -> Any:
    """Each case's current round (its acceptance, or its last reopening, to its conclusion),
    and legal advice answered, per group."""
    dispute = Q(kind=Kind.DISPUTE)
    figures: dict[str, Any] = {}
    relevant = Q()
    for index, m in enumerate(moments):
        p, period = _prefix(index), m.period

        def open_at(moment: datetime) -> Q:
            # accepted before, not reopened since (the round open then is another one), and
            # not concluded before; the cases reopened since are read once per moment (a
            # subquery per case and condition took a third of the query)
            reopened_since = CaseReopening.objects.filter(at__gte=moment).values("case_id")
            return (
                dispute
                & Q(accepted_at__lt=moment)
                & ~Q(pk__in=reopened_since)
                & (Q(concluded_at__isnull=True) | Q(concluded_at__gte=moment))
            )

        concluded = dispute & Q(accepted_at__lt=m.end) & _in("concluded_at", period)
        figures |= _of_accepted(p, dispute & _in("accepted_at", period), "")
        figures |= _outcomes(p, concluded)
        figures[f"{p}carried_in"] = Count("pk", filter=open_at(m.start))
        figures[f"{p}still_open"] = Count("pk", filter=open_at(m.end))
        figures[f"{p}overdue"] = Count(
            "pk", filter=open_at(m.overdue_at) & Q(mediation_due__lt=m.overdue_day)
        )
        figures[f"{p}advice"] = Count("pk", filter=Q(kind=Kind.ADVICE) & _in("closed_at", period))
        relevant |= (
            dispute
            & Q(accepted_at__lt=m.end)
            & (
                Q(settled_at__gte=m.start)
                | Q(closed_at__gte=m.start)
                | Q(settled_at__isnull=True, closed_at__isnull=True)
            )
        ) | (Q(kind=Kind.ADVICE) & _in("closed_at", period))
    return (
        scope.of(Case.objects)
        .filter(relevant)
        .annotate(
            concluded_at=_case_concluded_at(),
            principals=_principals("pk"),
        )
        .values(*DIMENSIONS)
        .annotate(**figures)
        .order_by()
    )


def _round_groups(scope: _Scope, moments: list[_Moments]) -> Any:
    """Reopenings: the re-acceptance (in the period of the reopening) and the earlier round
    it ended (accepted at ``accepted_at``, concluded as it stood then), per group."""
    figures: dict[str, Any] = {}
    relevant = Q()
    for index, m in enumerate(moments):
        p, period = _prefix(index), m.period

        def open_at(moment: datetime) -> Q:
            return Q(accepted_at__lt=moment, concluded_at__gte=moment)

        reaccepted = _in("at", period)
        figures |= _of_accepted(p, reaccepted, "case__")
        figures[f"{p}reaccepted"] = Count("pk", filter=reaccepted)
        figures |= _outcomes(p, Q(accepted_at__lt=m.end) & _in("concluded_at", period))
        figures[f"{p}carried_in"] = Count("pk", filter=open_at(m.start))
        figures[f"{p}still_open"] = Count("pk", filter=open_at(m.end))
        figures[f"{p}overdue"] = Count(
            "pk", filter=open_at(m.overdue_at) & Q(mediation_due__lt=m.overdue_day)
        )
        # a round ends at the latest when it is reopened: nothing before the period counts
        relevant |= Q(at__gte=m.start) & (Q(at__lt=m.end) | Q(accepted_at__lt=m.end))
    return (
        scope.of(CaseReopening.objects, "case__")
        .filter(case__kind=Kind.DISPUTE)
        .filter(relevant)
        .annotate(
            concluded_at=_round_concluded_at(),
            principals=_principals("case"),
        )
        .values(**{name: F(f"case__{name}") for name in DIMENSIONS})
        .annotate(**figures)
        .order_by()
    )


def _agreement_groups(scope: _Scope, moments: list[_Moments]) -> Any:
    """司法确认: the current version of each agreement (a corrected one is not counted),
    applied for in the period, and confirmed in the period."""
    figures: dict[str, Any] = {}
    relevant = Q()
    for index, m in enumerate(moments):
        p, days = _prefix(index), (m.period.first, m.period.last)
        applied = Q(confirmation_applied_on__range=days)
        confirmed = Q(confirmation="confirmed", confirmation_decided_on__range=days)
        figures[f"{p}confirm_applied"] = Count("pk", filter=applied)
        figures[f"{p}confirm_confirmed"] = Count("pk", filter=confirmed)
        relevant |= applied | confirmed
    return (
        scope.of(Agreement.objects, "case__")
        .filter(case__kind=Kind.DISPUTE, superseded_by__isnull=True)
        .filter(relevant)
        .values(**{name: F(f"case__{name}") for name in DIMENSIONS})
        .annotate(**figures)
        .order_by()
    )


def _performed_groups(scope: _Scope, moments: list[_Moments]) -> Any:
    """已履行: agreements whose performance a follow-up found full for the first time in the
    period (one per agreement, however many visits; a follow-up recorded without its agreement
    stands for its case's).

    First: no earlier visit of the same case found the same agreement (or, without one, the
    case's) performed. One condition on the case's visits, which PostgreSQL joins (an earlier
    form, a condition per agreement plus one for visits without it, made it read a street's
    visits case by case, at twice the time)."""
    unset = Value(0, output_field=BigIntegerField())  # no agreement: ids start at 1
    earlier = (
        FollowUp.objects.filter(
            case_id=OuterRef("case_id"),
            performance=Performance.FULL,
            done_at__lt=OuterRef("done_at"),
        )
        .annotate(same=Coalesce("agreement_id", unset))
        .filter(same=Coalesce(OuterRef("agreement_id"), unset))
    )
    first = ~Exists(earlier)
    figures: dict[str, Any] = {}
    relevant = Q()
    for index, m in enumerate(moments):
        done = _in("done_at", m.period)
        figures[f"{_prefix(index)}agreements_performed"] = Count(
            "agreement", distinct=True, filter=done & Q(agreement__isnull=False)
        ) + Count("case", distinct=True, filter=done & Q(agreement__isnull=True))
        relevant |= done
    return (
        scope.of(FollowUp.objects, "case__")
        .filter(case__kind=Kind.DISPUTE, performance=Performance.FULL, cancelled_at__isnull=True)
        .filter(relevant)
        .filter(first)
        .values(**{name: F(f"case__{name}") for name in DIMENSIONS})
        .annotate(**figures)
        .order_by()
    )


KNOWN_TYPES = frozenset(DisputeType.values)


class _Tally:
    """The case figures of one period rolled up from the groups: per community, per committee,
    per committee and type, per type, per source."""

    def __init__(self, rows: Mapping[int, Row]) -> None:
        self.rows = rows
        self.units: dict[int, Row] = {}
        self.unit_types: dict[tuple[int, str], Row] = {}
        self.types: dict[str, Row] = {}
        self.sources: dict[str, int] = {}
        # (community, committee, type) → figures: the groups differ by source too, and a
        # street's year is thousands of them, so they are added up here first (plain dicts,
        # only the figures that are not zero) and into the rows once each (``finish``); a Row
        # built and added into four rows for each group took longer than the database took to
        # count them.
        self.cells: dict[tuple[int, int, str], dict[str, Any]] = {}

    def add(self, group: Sequence[Any], figures: dict[str, Any]) -> None:
        """One group's figures: its community, committee, dispute type and source, and the
        figures that are not zero."""
        community, committee, dispute_type, source = group
        if dispute_type not in KNOWN_TYPES:
            dispute_type = DisputeType.OTHER
        accepted = figures.get("accepted", 0)
        if accepted:
            for band, members in SOURCE_GROUPS.items():
                if source in members:
                    figures[f"source_{band}"] = accepted
            for column, code in COURT_SOURCES.items():
                if source == code:
                    figures[column] = accepted
            self.sources[source] = self.sources.get(source, 0) + accepted
        cell = self.cells.setdefault((community, committee, dispute_type), {})
        for name, value in figures.items():
            cell[name] = cell.get(name, 0) + value

    def finish(self) -> None:
        """Add the groups up into the communities, committees, committees' types and types."""
        for (community, committee, dispute_type), figures in self.cells.items():
            for row in (
                self.rows[community],
                self.units.setdefault(committee, Row(name="")),
                self.unit_types.setdefault((committee, dispute_type), Row(name="")),
                self.types.setdefault(dispute_type, Row(name="")),
            ):
                for name, value in figures.items():
                    setattr(row, name, getattr(row, name) + value)
        self.cells.clear()


def _count_cases(
    scope: _Scope, moments: list[_Moments], rows: Sequence[Mapping[int, Row]]
) -> list[_Tally]:
    """The case figures of each period (``moments``), into its ``rows`` (per community): four
    grouped queries whatever the number of periods, communities, committees and cases."""
    tallies = [_Tally(period_rows) for period_rows in rows]
    for query in (_case_groups, _round_groups, _agreement_groups, _performed_groups):
        for values in query(scope, moments):
            # "p1_accepted" is period 1's accepted (``_prefix``); zeros add nothing
            counted: list[dict[str, Any]] = [{} for _tally in tallies]
            for key, value in values.items():
                if value and key not in DIMENSIONS:
                    prefix, _sep, name = key.partition("_")
                    counted[int(prefix[1:])][name] = value
            group = [values[name] for name in DIMENSIONS]
            for tally, figures in zip(tallies, counted, strict=True):
                tally.add(group, figures)
    for tally in tallies:
        tally.finish()
    return tallies


def _type_rows(found: Mapping[str, Row], total_accepted: int) -> list[Row]:
    """One row per dispute type, in the official order, named in Chinese, with its share."""
    rows = []
    with translation.override("zh-hans"):
        for code, label in DisputeType.choices:
            row = Row(name=str(label), code=code)
            if code in found:
                row.add(found[code])
            row.type_share = _share(row.accepted, total_accepted)
            rows.append(row)
    return rows


def _summed(name: str, rows: Iterable[Row]) -> Row:
    """The rows added up; a population only when every row has one (a partial sum would
    make the 万人成讼率 wrong)."""
    total = Row(name=name)
    rows = list(rows)
    for row in rows:
        total.add(row)
    if any(row.population is None for row in rows):
        total.population = None
    return total


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
    settled = cases.filter(
        kind=Kind.DISPUTE, accepted_at__isnull=False, outcome__in=SETTLED_OUTCOMES
    ).filter(_in("settled_at", period))
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
    """The figures of ``communities`` in ``period``: per community, per committee (``units``),
    per dispute type and in total, with the totals of the period before (环比) and of the same
    period a year before (同比). ``committees``: only the cases of these committees (a
    committee's own report)."""
    ids = [c.pk for c in communities]
    scope = _Scope(ids, None if committees is None else [c.pk for c in committees])
    periods = [period, previous_period(period), year_before(period)]
    distinct = list(dict.fromkeys(periods))  # a year's 环比 and 同比 are the same year
    populations = {c.pk: c.population for c in communities}
    rows_of = [
        {c.pk: Row(name=c.name, population=c.population) for c in communities} for _p in distinct
    ]
    tallies = _count_cases(scope, [_moments(p) for p in distinct], rows_of)
    for period_rows, counted in zip(rows_of, distinct, strict=True):
        entered = litigation.civil_filings(ids, counted)
        for community_id, row in period_rows.items():
            row.civil_filings = entered.get(community_id, 0)
            row.filings_missing = 0 if community_id in entered else 1
    tally, rows = tallies[0], rows_of[0]
    cases = scope.of(Case.objects)
    modes = (
        scope.of(CaseEvent.objects, "case__")
        .filter(kind="transition", to_state__in=MODES)
        .filter(_in("at", period))
        .values("case__community", "to_state")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for values in modes:
        rows[values["case__community"]].modes[values["to_state"]] = values["n"]
    durations = _durations(cases, period)
    for key, (average, median) in durations.items():
        if key is not None and key in rows:
            rows[key].avg_days, rows[key].median_days = average, median
    _follow_ups(scope, period, rows)
    _service(ids, period, rows)
    for community_id, sweep in ledgers.sweep_figures(ids, period).items():
        if community_id in rows:
            for name, value in sweep.items():
                setattr(rows[community_id], name, value)
    total = _summed("合计", rows.values())
    if None in durations:
        total.avg_days, total.median_days = durations[None]
    units = _units(scope, communities, committees, tally, rows)
    by_type = _type_rows(tally.types, total.accepted)
    others = {p: _summed(p.label, r.values()) for p, r in zip(distinct, rows_of, strict=True)}
    return Report(
        period=period,
        scope_label=scope_label,
        rows=list(rows.values()),
        total=total,
        by_type=by_type,
        by_source=[
            (code, str(label), tally.sources.get(code, 0)) for code, label in Source.choices
        ],
        hours_by_role=_hours_by_role(ids, period),
        trend=trend(scope, period, populations),
        units=units,
        previous=others[periods[1]],
        year_ago=others[periods[2]],
    )


def _units(
    scope: _Scope,
    communities: list[Community],
    committees: list[MediationCommittee] | None,
    tally: _Tally,
    rows: Mapping[int, Row],
) -> list[Unit]:
    """One unit per mediation committee in scope: the committees given, else those of the
    communities, of their streets, and any other that holds some of their cases. A community
    committee's population and court filings are its community's; a street committee's, those
    of its communities in scope."""
    if committees is None:
        streets = {c.street_id for c in communities}
        committees = list(
            MediationCommittee.objects.filter(
                Q(community_id__in=scope.community_ids)
                | Q(level=CommitteeLevel.STREET, street_id__in=streets)
                | Q(pk__in=list(tally.units))
            ).order_by("street__code", "-level", "community__code", "pk")
        )
    units = []
    for committee in committees:
        total = Row(name=committee.name)
        if committee.pk in tally.units:
            total.add(tally.units[committee.pk])
        own = rows.get(committee.community_id) if committee.community_id else None
        if own is not None:
            total.population, total.civil_filings = own.population, own.civil_filings
            total.filings_missing = own.filings_missing
            # the community's 排查 (a community committee's own report carries them)
            for name in ledgers.SWEEP_FIELDS:
                setattr(total, name, getattr(own, name))
        elif committee.level == CommitteeLevel.STREET:
            area = _summed(
                "", (rows[c.pk] for c in communities if c.street_id == committee.street_id)
            )
            total.population, total.civil_filings = area.population, area.civil_filings
            total.filings_missing = area.filings_missing
        found = {
            code: row for (unit, code), row in tally.unit_types.items() if unit == committee.pk
        }
        units.append(Unit(committee.name, committee.pk, total, _type_rows(found, total.accepted)))
    return units


def _follow_ups(scope: _Scope, period: Period, rows: dict[int, Row]) -> None:
    """Follow-ups due in the period (a cancelled one is not due) and done in time; done in the
    period, and of those how many found the agreement fully performed (visits, not
    agreements: ``agreements_performed`` counts agreements)."""
    done_day = TruncDate("done_at", tzinfo=timezone.get_current_timezone())
    due = Q(due_on__gte=period.first, due_on__lte=period.last, cancelled_at__isnull=True)
    found = (
        scope.of(FollowUp.objects, "case__")
        # only those due or done in the period (the others count nowhere), not every
        # follow-up the communities ever had
        .filter(Q(due_on__gte=period.first, due_on__lte=period.last) | _in("done_at", period))
        .annotate(done_day=done_day)
        .values("case__community")
        .annotate(
            due=Count("pk", filter=due),
            on_time=Count("pk", filter=due & Q(done_day__lte=F("due_on"))),
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


def trend(
    scope: _Scope, period: Period, populations: Mapping[int, int | None], months: int = 12
) -> list[dict[str, Any]]:
    """The twelve months up to the period's last: the 矛盾不上交 shares of the disputes
    concluded each month (a reopened case's earlier round included), and the month's
    万人成讼率 (None unless every community has its population)."""
    window = last_months(period, months)
    first, last = window[0], window[-1]
    tz = timezone.get_current_timezone()
    figures = {
        "community": Count("pk", filter=Q(outcome__in=SETTLED_OUTCOMES, level=Level.COMMUNITY)),
        "street": Count("pk", filter=Q(outcome__in=SETTLED_OUTCOMES, level=Level.STREET)),
        "failed": Count("pk", filter=Q(outcome__in=FAILED)),
        "referred": Count("pk", filter=Q(outcome=Outcome.REFERRED_OUT)),
    }
    concluded = Q(outcome__in=(*SETTLED_OUTCOMES, *FAILED, Outcome.REFERRED_OUT)) & Q(
        concluded_at__gte=first.start, concluded_at__lt=last.end
    )
    current = (
        scope.of(Case.objects)
        .filter(kind=Kind.DISPUTE, accepted_at__isnull=False)
        .filter(
            Q(settled_at__gte=first.start, settled_at__lt=last.end)
            | Q(closed_at__gte=first.start, closed_at__lt=last.end)
        )
        .annotate(concluded_at=_case_concluded_at())
        .filter(concluded)
        .annotate(month=TruncMonth("concluded_at", tzinfo=tz))
        .values("month")
        .annotate(**figures)
        .order_by()
    )
    earlier = (
        scope.of(CaseReopening.objects, "case__")
        .filter(case__kind=Kind.DISPUTE, accepted_at__isnull=False, at__gte=first.start)
        .annotate(concluded_at=_round_concluded_at())
        .filter(concluded)
        .annotate(month=TruncMonth("concluded_at", tzinfo=tz))
        .values("month")
        .annotate(**figures)
        .order_by()
    )
    found: dict[tuple[int, int], Row] = {}
    for values in [*current, *earlier]:
        month = values["month"]
        row = found.setdefault((month.year, month.month), Row(name=""))
        row.add(
            Row(
                name="",
                settled_community=values["community"],
                settled_street=values["street"],
                settled=values["community"] + values["street"],
                failed=values["failed"],
                referred=values["referred"],
            )
        )
    filings = litigation.monthly_civil_filings(list(populations), first.first, last.last)
    population = (
        sum(p for p in populations.values() if p is not None)
        if populations and all(p is not None for p in populations.values())
        else None
    )
    result = []
    for month in window:
        key = (month.first.year, month.first.month)
        row = found.get(key, Row(name=""))
        row.population, row.civil_filings = population, filings.get(key, 0)
        row.filings_missing = 0 if key in filings else 1  # no court figure for the month
        result.append(
            {
                "label": month.label,
                "concluded": row.concluded,
                "community": row.community_share,
                "street": row.street_share,
                "not_local": row.not_local_share,
                "failed": row.failed_share,
                "referred": row.referred_share,
                "civil_filings": row.civil_filings,
                "litigation_rate": row.litigation_rate,
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
