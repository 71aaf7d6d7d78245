"""A report as data and back: what a filing freezes.

``report_to_data(report)`` writes a ``figures.Report`` as JSON-ready data, every dataclass
field by name (Decimal as a string, dates in ISO form, tuples as lists);
``report_from_data(data)`` builds the same ``Report`` again from the dataclasses' own type
hints. Nothing here names a figure: a field added to ``Row`` is written from then on, and one
missing from an older snapshot takes its default (a field since removed is ignored).

``combine(reports, label)`` adds up the reports of several committees (a street's or a
district's frozen figures): each community's row, the totals, the types, the sources.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from cases.statistics.figures import Period, Report, Row

#: Written into each snapshot: a future change of the layout can tell old data from new.
FORMAT = 1


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses by field name, Decimal as str, dates ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return value


def from_data(hint: Any, value: Any) -> Any:
    """``value`` (written by ``to_data``) as the type ``hint`` says."""
    if value is None or hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return from_data(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple, dict):
        args = typing.get_args(hint)
        if origin is list:
            return [from_data(args[0] if args else Any, item) for item in value]
        if origin is dict:
            return {key: from_data(args[1] if args else Any, item) for key, item in value.items()}
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item) for item in value)
        return tuple(
            from_data(args[n] if n < len(args) else Any, item) for n, item in enumerate(value)
        )
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint, value)
    if hint is Decimal:
        return Decimal(str(value))
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value


def _dataclass(cls: type, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs = {
        name: from_data(hints.get(name, Any), value)
        for name, value in data.items()
        if name in known
    }
    return cls(**kwargs)


def report_to_data(report: Report) -> dict[str, Any]:
    return {"format": FORMAT, **to_data(report)}


def report_from_data(data: dict[str, Any]) -> Report:
    report: Report = _dataclass(Report, {k: v for k, v in data.items() if k != "format"})
    return report


# --- Adding up the reports of several committees -------------------------------------------

#: Facts of a community rather than of a committee: ``figures.compute`` gives each committee's
#: report the community's whole figure (its residents, the court's filings there, the clinic's
#: sessions, home visits and consultations, the 排查 sweeps), so adding up the committees of
#: one community counts it once.
PER_COMMUNITY = (
    "population",
    "civil_filings",
    "filings_missing",
    "sessions",
    "seats",
    "seats_covered",
    "visits_requested",
    "visits_done",
    "consultations",
    "sweeps",
    "sweep_found",
    "sweep_prevented",
)


def _add_rows(rows: list[Row], name: str, *, same_place: bool = False) -> Row:
    """``rows`` added up. ``same_place``: they are one community's rows in several committees'
    reports, and its own facts (``PER_COMMUNITY``) are taken once, not added."""
    total = Row(name=name, code=rows[0].code if rows else "")
    for row in rows:
        total.add(row)
    if same_place:
        for field in PER_COMMUNITY:
            values = [getattr(row, field) for row in rows if getattr(row, field) is not None]
            setattr(total, field, max(values) if values else getattr(Row(name=""), field))
    elif any(row.population is None for row in rows):
        total.population = None  # a partial sum would make the 万人成讼率 wrong
    return total


def _widest(reports: list[Report]) -> list[Report]:
    """The reports whose communities no other report's include (a street committee's report
    spans every community of its street; a community committee's, its own)."""
    places = [frozenset(row.name for row in report.rows) for report in reports]
    kept = []
    for n, report in enumerate(reports):
        wider = any(
            places[n] < places[m] or (places[n] == places[m] and m < n)
            for m in range(len(reports))
            if m != n
        )
        if not wider:
            kept.append(report)
    return kept


def _add_totals(totals: list[Row], widest: list[Row]) -> Row:
    """Whole-scope rows (环比, 同比) added up; the community facts from the widest reports."""
    total = _add_rows(totals, totals[0].name)
    for field in PER_COMMUNITY:
        values = [getattr(row, field) for row in widest if getattr(row, field) is not None]
        setattr(total, field, sum(values) if values else getattr(Row(name=""), field))
    return total


def _by_key(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _add_pairs(lists: list[list[Any]]) -> list[Any]:
    """``[(key…, number)]`` lists added up by their leading items (sources, hours by role)."""
    found: dict[tuple[Any, ...], Any] = {}
    for items in lists:
        for item in items:
            *key, number = item
            found[tuple(key)] = found.get(tuple(key), 0) + number
    return [(*key, round(n, 1) if isinstance(n, float) else n) for key, n in found.items()]


def _add_trends(trends: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Month by month: counts added, each share weighted by the month's concluded disputes."""
    months: dict[str, list[dict[str, Any]]] = {}
    for trend in trends:
        for month in trend:
            months.setdefault(month["label"], []).append(month)
    result = []
    for label, found in months.items():
        weights = [m.get("concluded") or 0 for m in found]
        whole = sum(weights)
        merged: dict[str, Any] = {"label": label}
        for key in found[0]:
            if key == "label":
                continue
            values = [m.get(key) for m in found]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                merged[key] = sum(values)
            elif all(isinstance(v, int | float) for v in values):
                weighted = sum(float(v or 0) * w for v, w in zip(values, weights, strict=True))
                merged[key] = round(weighted / whole, 1) if whole else 0.0
            else:
                merged[key] = next((v for v in values if v is not None), None)
        result.append(merged)
    return result


def combine(reports: list[Report], scope_label: str, period: Period) -> Report:
    """The reports of several committees as one: each community's rows added up (a community
    served by its own and the street's committee appears in both; its own facts counted once),
    the total from those, the types by code, the sources and hours by their key, each
    committee's unit kept, 环比 and 同比 added up. Medians cannot be added: they are left out,
    and the average days are weighted by the settled disputes."""
    names = _by_key([row for report in reports for row in report.rows], "name")
    rows = [_add_rows(found, name, same_place=True) for name, found in names.items()]
    total = _add_rows(rows, reports[0].total.name if reports else "合计")
    types_ = _by_key([row for report in reports for row in report.by_type], "code")
    by_type = [_add_rows(found, found[0].name) for found in types_.values()]
    settled = [(r.total.settled, r.total.avg_days) for r in reports if r.total.avg_days is not None]
    weight = sum(n for n, _days in settled)
    total.avg_days = (
        round(sum(n * (days or 0) for n, days in settled) / weight, 1) if weight else None
    )
    for row in [*rows, total]:
        row.median_days = None
    for row in rows:
        row.avg_days = None
    widest = _widest(reports)
    hours = _add_pairs([r.hours_by_role for r in widest])
    previous = [r.previous for r in reports if r.previous is not None]
    year_ago = [r.year_ago for r in reports if r.year_ago is not None]
    return Report(
        period=period,
        scope_label=scope_label,
        rows=rows,
        total=total,
        by_type=by_type,
        by_source=_add_pairs([r.by_source for r in reports]),
        hours_by_role=hours,
        trend=_add_trends([r.trend for r in reports]),
        units=[unit for report in reports for unit in report.units],
        previous=_add_totals(previous, [r.previous for r in widest if r.previous])
        if previous
        else None,
        year_ago=_add_totals(year_ago, [r.year_ago for r in widest if r.year_ago])
        if year_ago
        else None,
    )
