"""The official report's layout as data: its columns (a figure of ``figures.Row``, a Chinese
label, a unit, the band it sits under), the form's title, 表号 and 制表机关, and the
cross-check formulas printed under the table.

The ministry's form could not be obtained: the column set is reconstructed from bureau reports,
yearbooks and a Beijing form of the same family. Everything a county may need to change to
match its own form is in ``settings.CLINIC_OFFICIAL_REPORT`` (docs/report-layout.md): the
title, the 表号 (none by default: none is invented), the 制表机关, every label, and which
columns appear in which order. The labels of the files are always Chinese: they are filed
upward in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The files are filed upward in Chinese, whatever language the person reads: they are made
#: under this language (labels of dispute types, sources).
OFFICIAL_LANGUAGE = "zh-hans"

#: Units as printed in the units row.
CASES, PERSONS, TIMES, WAN_YUAN, PERCENT = "件", "人", "次", "万元", "%"
RATE_PER_10K = "件/万人"

NUMBER_FORMATS = {WAN_YUAN: "0.00", PERCENT: "0.0", RATE_PER_10K: "0.00"}


@dataclass(frozen=True)
class Column:
    """One column of the form: ``key`` names a field or property of ``figures.Row``."""

    key: str
    label: str
    unit: str
    band: str = ""  # the band over it in the first header row; "" spans both header rows

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS.get(self.unit, "0")

    @property
    def is_rate(self) -> bool:
        return self.unit in (PERCENT, RATE_PER_10K)

    def value(self, row: Any) -> int | float | None:
        """The figure as printed: yuan become 万元 (two decimals), rates stay percentages."""
        value = getattr(row, self.key)
        if value is None:
            return None
        if self.unit == WAN_YUAN:
            return round(float(Decimal(value) / 10000), 2)
        if self.is_rate:
            return round(float(value), 2 if self.unit == RATE_PER_10K else 1)
        return int(value)


SOURCES, RESULTS, CARRIED_OVER, FORMS, CONFIRMATION, AMOUNTS, PARTIES = (
    "纠纷来源",
    "调解结果",
    "结转下期",
    "协议形式",
    "司法确认",
    "金额",
    "当事人",
)
PREVENTION, SWEEPS = "预防效果", "排查预防"

#: Every column the form can show, in the default order. ``carried_in`` + ``accepted`` =
#: the results + ``still_open`` (formula ③), so 结转下期 follows the results.
CATALOGUE: tuple[Column, ...] = (
    Column("carried_in", "上期结转", CASES),
    Column("accepted", "受理", CASES),
    Column("type_share", "类型占比", PERCENT),
    Column("source_parties", "当事人申请", CASES, SOURCES),
    Column("source_initiative", "主动调解", CASES, SOURCES),
    Column("source_referred", "委托移送", CASES, SOURCES),
    Column("court_delegated", "法院委派（诉前）", CASES, SOURCES),
    Column("court_entrusted", "法院委托（诉中）", CASES, SOURCES),
    Column("settled", "调解成功", CASES, RESULTS),
    Column("failed", "调解不成功", CASES, RESULTS),
    Column("referred", "上交", CASES, RESULTS),
    Column("ended", "撤回/终止", CASES, RESULTS),
    Column("still_open", "期末在办", CASES, CARRIED_OVER),
    Column("overdue", "其中超期", CASES, CARRIED_OVER),
    Column("success_rate", "成功率", PERCENT),
    Column("concluded_success_rate", "办结成功率", PERCENT),
    Column("written", "书面协议", CASES, FORMS),
    Column("oral", "口头协议", CASES, FORMS),
    Column("agreements_performed", "协议已履行", CASES),
    Column("confirm_applied", "申请确认", CASES, CONFIRMATION),
    Column("confirm_confirmed", "确认有效", CASES, CONFIRMATION),
    Column("amount_involved", "涉及金额", WAN_YUAN, AMOUNTS),
    Column("amount_agreed", "协议金额", WAN_YUAN, AMOUNTS),
    Column("parties", "当事人数", PERSONS, PARTIES),
    Column("multi_party", "三方以上当事人", CASES, PARTIES),
    Column("criminal_cases", "防止民转刑（件）", CASES, PREVENTION),
    Column("criminal_persons", "防止民转刑（人）", PERSONS, PREVENTION),
    Column("suicide_cases", "防止引起自杀（件）", CASES, PREVENTION),
    Column("suicide_persons", "防止引起自杀（人）", PERSONS, PREVENTION),
    Column("petition_cases", "防止群体性上访（件）", CASES, PREVENTION),
    Column("petition_persons", "防止群体性上访（人）", PERSONS, PREVENTION),
    Column("fight_cases", "防止群体性械斗（件）", CASES, PREVENTION),
    Column("fight_persons", "防止群体性械斗（人）", PERSONS, PREVENTION),
    Column("incident_cases", "防止群体性事件（件）", CASES, PREVENTION),
    Column("incident_persons", "防止群体性事件（人）", PERSONS, PREVENTION),
    Column("sweeps", "排查次数", TIMES, SWEEPS),
    Column("sweep_found", "排查发现纠纷", CASES, SWEEPS),
    Column("sweep_prevented", "预防纠纷", CASES, SWEEPS),
)

#: Columns kept out of the default set but available to a county's form.
OPTIONAL: tuple[Column, ...] = (
    Column("reaccepted", "其中重新受理", CASES),
    Column("withdrawn", "撤回", CASES, RESULTS),
    Column("declined", "受理后终止", CASES, RESULTS),
    Column("settled_community", "社区化解", CASES),
    Column("settled_street", "街道化解", CASES),
    Column("advice", "法律咨询", CASES),
)

COLUMNS_BY_KEY = {column.key: column for column in (*CATALOGUE, *OPTIONAL)}

#: The 矛盾不上交 sheet's columns (per community): fixed, its labels overridable too.
LOCAL_COLUMNS: tuple[Column, ...] = (
    Column("concluded", "办结", CASES),
    Column("settled_community", "件数", CASES, "社区化解"),
    Column("community_share", "占比", PERCENT, "社区化解"),
    Column("settled_street", "件数", CASES, "街道化解"),
    Column("street_share", "占比", PERCENT, "街道化解"),
    Column("failed", "件数", CASES, "调解不成"),
    Column("failed_share", "占比", PERCENT, "调解不成"),
    Column("referred", "件数", CASES, "上交"),
    Column("referred_share", "占比", PERCENT, "上交"),
    Column("civil_filings", "民事一审收案", CASES, "万人成讼率"),
    Column("population", "常住人口", PERSONS, "万人成讼率"),
    Column("litigation_rate", "万人成讼率", RATE_PER_10K, "万人成讼率"),
)

DEFAULTS: dict[str, Any] = {
    "title": "人民调解案件统计表",
    "form_number": "",
    "authority": None,
    "labels": {},
    "bands": {},
    "columns": None,
}


@dataclass(frozen=True)
class Layout:
    """The form as configured: its title, 表号, 制表机关 and columns in order."""

    title: str
    form_number: str
    authority: str | None  # None: built from the data (the district's 司法局)
    columns: tuple[Column, ...]
    labels: dict[str, str]
    bands: dict[str, str]

    def label(self, key: str) -> str:
        return self.labels.get(key) or COLUMNS_BY_KEY[key].label

    def band(self, band: str) -> str:
        return self.bands.get(band, band)


def configured() -> Layout:
    """The layout of ``settings.CLINIC_OFFICIAL_REPORT`` over the defaults; an unknown column
    key (in ``columns`` or ``labels``) is a configuration error, not a silently missing
    column."""
    config = {**DEFAULTS, **getattr(settings, "CLINIC_OFFICIAL_REPORT", {})}
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"CLINIC_OFFICIAL_REPORT: unknown settings {sorted(unknown)}")
    keys = config["columns"] or [column.key for column in CATALOGUE]
    labels = dict(config["labels"] or {})
    wrong = [key for key in [*keys, *labels] if key not in COLUMNS_BY_KEY]
    if wrong:
        raise ImproperlyConfigured(
            f"CLINIC_OFFICIAL_REPORT: unknown column keys {wrong}; known: {sorted(COLUMNS_BY_KEY)}"
        )
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("CLINIC_OFFICIAL_REPORT: a column is listed twice")
    bands = dict(config["bands"] or {})
    columns = tuple(
        Column(
            key,
            labels.get(key) or COLUMNS_BY_KEY[key].label,
            COLUMNS_BY_KEY[key].unit,
            bands.get(COLUMNS_BY_KEY[key].band, COLUMNS_BY_KEY[key].band),
        )
        for key in keys
    )
    return Layout(
        title=str(config["title"]),
        form_number=str(config["form_number"] or ""),
        authority=None if config["authority"] is None else str(config["authority"]),
        columns=columns,
        labels=labels,
        bands=bands,
    )


def bands(columns: Sequence[Column]) -> list[tuple[str, int, int]]:
    """Consecutive columns under the same band: (band, first index, last index); a column
    without a band is a group of its own with band ""."""
    groups: list[tuple[str, int, int]] = []
    for index, column in enumerate(columns):
        if column.band and groups and groups[-1][0] == column.band and groups[-1][2] == index - 1:
            groups[-1] = (column.band, groups[-1][1], index)
        else:
            groups.append((column.band, index, index))
    return groups


def split(columns: Sequence[Column], most: int = 18) -> list[list[Column]]:
    """The columns in as few parts as keep each at ``most`` columns or fewer (a page's width
    in the PDF), cut only between bands and as even as possible: the smallest largest part."""
    groups = [list(columns[first : last + 1]) for _band, first, last in bands(columns)]
    sizes = [len(group) for group in groups]
    total = sum(sizes)
    parts = max(1, -(-total // most))
    if parts == 1 or len(groups) <= parts:
        return [list(columns)] if parts == 1 else groups
    # best[k][i]: the smallest largest part cutting the first i groups into k parts
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    n = len(groups)
    inf = float("inf")
    best = [[inf] * (n + 1) for _k in range(parts + 1)]
    cut = [[0] * (n + 1) for _k in range(parts + 1)]
    best[0][0] = 0
    for k in range(1, parts + 1):
        for i in range(1, n + 1):
            for j in range(k - 1, i):
                cost = max(best[k - 1][j], prefix[i] - prefix[j])
                if cost < best[k][i]:
                    best[k][i], cut[k][i] = cost, j
    bounds, i = [], n
    for k in range(parts, 0, -1):
        bounds.append((cut[k][i], i))
        i = cut[k][i]
    return [
        [column for group in groups[first:last] for column in group]
        for first, last in reversed(bounds)
    ]


# --- Cross-checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A formula printed under the table, and whether the figures above it satisfy it."""

    text: str
    holds: bool


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _same_rate(value: float | None, part: int, whole: int) -> bool:
    expected = round(100.0 * part / whole, 1) if whole else 0.0
    return abs(float(value or 0.0) - expected) < 0.05


def _row_formulas(form: Layout) -> list[tuple[str, str, Any]]:
    """(number, formula, test(row) -> (holds, figures)) of the checks on one row."""
    lb = form.label

    def sources(row: Any) -> tuple[bool, str]:
        parts = (row.source_parties, row.source_initiative, row.source_referred)
        return row.accepted == sum(parts), f"{row.accepted} = " + " + ".join(map(str, parts))

    def forms(row: Any) -> tuple[bool, str]:
        return (
            row.settled == row.written + row.oral,
            f"{row.settled} = {row.written} + {row.oral}",
        )

    def balance(row: Any) -> tuple[bool, str]:
        left = row.carried_in + row.accepted
        parts = (row.settled, row.failed, row.referred, row.ended, row.still_open)
        return left == sum(parts), (
            f"{row.carried_in} + {row.accepted} = " + " + ".join(map(str, parts))
        )

    def court(row: Any) -> tuple[bool, str]:
        return (
            row.court_delegated + row.court_entrusted <= row.source_referred,
            f"{row.court_delegated} + {row.court_entrusted} ≤ {row.source_referred}",
        )

    def success(row: Any) -> tuple[bool, str]:
        return (
            _same_rate(row.success_rate, row.settled, row.accepted),
            f"{row.settled} ÷ {row.accepted} = {_number(float(row.success_rate or 0.0))}%",
        )

    def concluded(row: Any) -> tuple[bool, str]:
        whole = row.settled + row.failed + row.referred
        return (
            _same_rate(row.concluded_success_rate, row.settled, whole),
            f"{row.settled} ÷ ({row.settled} + {row.failed} + {row.referred}) = "
            f"{_number(float(row.concluded_success_rate or 0.0))}%",
        )

    return [
        (
            "①",
            f"{lb('accepted')} = {lb('source_parties')} + {lb('source_initiative')} + "
            f"{lb('source_referred')}",
            sources,
        ),
        ("②", f"{lb('settled')} = {lb('written')} + {lb('oral')}", forms),
        (
            "③",
            f"{lb('carried_in')} + {lb('accepted')} = {lb('settled')} + {lb('failed')} + "
            f"{lb('referred')} + {lb('ended')} + {lb('still_open')}",
            balance,
        ),
        (
            "④",
            f"{lb('court_delegated')} + {lb('court_entrusted')} ≤ {lb('source_referred')}",
            court,
        ),
        (
            "⑥",
            f"{lb('success_rate')} = {lb('settled')} ÷ {lb('accepted')} × 100%",
            success,
        ),
        (
            "⑦",
            f"{lb('concluded_success_rate')} = {lb('settled')} ÷ ({lb('settled')} + "
            f"{lb('failed')} + {lb('referred')}) × 100%",
            concluded,
        ),
    ]


#: Bands not split by dispute type: a sweep (排查) is of a grid, not of a type, so its figures
#: stand in the 合计 row only.
NOT_BY_TYPE = (SWEEPS,)


def _summed(total: Any, parts: Iterable[Any], form: Layout, *, skip: Iterable[str] = ()) -> Check:
    """⑤: every printed count and amount of ``total`` is the sum of ``parts`` (but the bands
    in ``skip``)."""
    parts, skip = list(parts), set(skip)
    wrong = [
        column.label
        for column in form.columns
        if not column.is_rate
        and column.band not in skip
        and getattr(total, column.key) != sum(getattr(part, column.key) for part in parts)
    ]
    return Check("", not wrong) if not wrong else Check("；不符：" + "、".join(wrong), False)


def cross_checks(row_or_unit: Any, *, form: Layout | None = None) -> list[Check]:
    """The formulas printed under a table, each with whether it holds.

    For a ``Row``: the row's own formulas. For a ``Unit`` (or a ``Report``: anything with
    ``total`` and ``by_type``): each formula on the 合计 row and on every type's row (the
    figures quoted are the 合计 row's, the rows that fail are named), and ⑤ 合计 = Σ 各类型 in
    every printed count and amount column. A ``Report`` adds ⑤ over its communities and the
    矛盾不上交 checks (:func:`local_checks`): every formula the files print."""
    form = form or configured()
    if not hasattr(row_or_unit, "by_type"):
        return [
            Check(f"{number} {formula}（{figures}）", holds)
            for number, formula, test in _row_formulas(form)
            for holds, figures in [test(row_or_unit)]
        ]
    total, types = row_or_unit.total, list(row_or_unit.by_type)
    checks = []
    for number, formula, test in _row_formulas(form):
        holds, figures = test(total)
        failing = [row.name for row in types if not test(row)[0]]
        text = f"{number} {formula}（合计：{figures}）"
        if failing:
            text += "；不符：" + "、".join(failing)
        checks.append(Check(text, holds and not failing))
        if number == "④":
            by_type = _summed(total, types, form, skip=NOT_BY_TYPE)
            checks.append(
                Check(f"⑤ 合计 = Σ 各纠纷类型（各栏，排查栏除外）{by_type.text}", by_type.holds)
            )
    if hasattr(row_or_unit, "units"):
        by_place = _summed(total, row_or_unit.rows, form)
        checks.append(Check(f"⑤ 合计 = Σ 各社区（各栏）{by_place.text}", by_place.holds))
        checks.extend(local_checks([*row_or_unit.rows, total]))
    return checks


def local_checks(rows: Sequence[Any]) -> list[Check]:
    """The 矛盾不上交 sheet's formulas: the four outcomes add up to 办结, their shares to 100 %."""

    def adds_up(row: Any) -> bool:
        return (
            row.settled_community + row.settled_street + row.failed + row.referred == row.concluded
        )

    def hundred(row: Any) -> bool:
        shares = (row.community_share, row.street_share, row.failed_share, row.referred_share)
        if not row.concluded:
            return not any(shares)
        return abs(sum(shares) - 100.0) < 0.05

    total = rows[-1]
    checks = []
    for number, formula, test, figures in (
        (
            "⑧",
            "办结 = 社区化解 + 街道化解 + 调解不成 + 上交",
            adds_up,
            f"{total.concluded} = {total.settled_community} + {total.settled_street} + "
            f"{total.failed} + {total.referred}",
        ),
        (
            "⑨",
            "社区化解占比 + 街道化解占比 + 调解不成占比 + 上交占比 = 100%（有办结时）",
            hundred,
            f"{total.community_share:.1f} + {total.street_share:.1f} + "
            f"{total.failed_share:.1f} + {total.referred_share:.1f}",
        ),
    ):
        failing = [row.name for row in rows if not test(row)]
        text = f"{number} {formula}（合计：{figures}）"
        if failing:
            text += "；不符：" + "、".join(failing)
        checks.append(Check(text, not failing))
    return checks
