"""Exports of the statistics: CSV (streamed), the official XLSX report, a PDF report with the
charts, and a case-level CSV for analysis that holds no names, ID numbers, phones or
addresses. Every text cell is neutralised against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from cases.statistics import Period, Report, Row
from clinic.lib.export import safe_cell

FIGURE_COLUMNS: list[tuple[str, str]] = [
    ("name", "社区"),
    ("accepted", "受理纠纷"),
    ("advice", "法律咨询"),
    ("settled", "调解成功"),
    ("failed", "调解不成"),
    ("withdrawn", "撤回"),
    ("declined", "不予受理"),
    ("referred", "上交"),
    ("still_open", "在办"),
    ("success_rate", "成功率(%)"),
    ("settled_community", "社区化解"),
    ("settled_street", "街道化解"),
    ("community_share", "社区化解占比(%)"),
    ("street_share", "街道化解占比(%)"),
    ("not_local_share", "未在本地化解占比(%)"),
    ("amount_involved", "涉及金额(元)"),
    ("amount_agreed", "协议金额(元)"),
    ("avg_days", "平均调解天数"),
    ("median_days", "调解天数中位数"),
    ("overdue", "超期"),
    ("on_time_share", "按时回访率(%)"),
    ("performed_share", "协议履行率(%)"),
    ("sessions", "坐诊场次"),
    ("seats_covered", "到岗席位"),
    ("visits_requested", "巡诊申请"),
    ("visits_done", "巡诊完成"),
    ("consultations", "会诊"),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def figures_csv(report: Report) -> Iterator[str]:
    """The page's figures, one row per community and the total, as streamed CSV lines."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([f"{report.scope_label} {report.period.label}"])
    yield writer.writerow([label for _key, label in FIGURE_COLUMNS])
    for row in [*report.rows, report.total]:
        yield writer.writerow([_cell(row, key) for key, _label in FIGURE_COLUMNS])


def _cell(row: Row, key: str) -> Any:
    value = getattr(row, key)
    if value is None:
        return ""
    return safe_cell(value) if isinstance(value, str) else value


def figures_xlsx(report: Report) -> bytes:
    """First sheet: the official people's-mediation monthly report (15 types and 合计);
    second: the 矛盾不上交 figures per community."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("人民调解统计")
    sheet.append([safe_cell(f"人民调解案件统计表（{report.scope_label}，{report.period.label}）")])
    sheet.append(
        [
            "纠纷类型",
            "受理数",
            "调解成功数",
            "成功率(%)",
            "协议金额(万元)",
            "当事人申请",
            "主动调解",
            "委托移送",
            "防止民转刑(件)",
            "防止民转刑(人)",
            "防止群体性上访(件)",
            "防止群体性上访(人)",
        ]
    )
    totals = {
        k: 0
        for k in (
            "accepted",
            "settled",
            "unsettled",
            "criminal_cases",
            "criminal_persons",
            "petition_cases",
            "petition_persons",
            "source_parties",
            "source_initiative",
            "source_referred",
        )
    }
    amount = 0.0
    for row in report.by_type:
        sheet.append(
            [
                row["label"],
                row["accepted"],
                row["settled"],
                row["rate"],
                round(float(row["amount_agreed"]) / 10000, 2),
                row["source_parties"],
                row["source_initiative"],
                row["source_referred"],
                row["criminal_cases"],
                row["criminal_persons"],
                row["petition_cases"],
                row["petition_persons"],
            ]
        )
        for key in totals:
            totals[key] += row[key]
        amount += float(row["amount_agreed"])
    concluded = totals["settled"] + totals["unsettled"]
    sheet.append(
        [
            "合计",
            totals["accepted"],
            totals["settled"],
            round(100.0 * totals["settled"] / concluded, 1) if concluded else 0.0,
            round(amount / 10000, 2),
            totals["source_parties"],
            totals["source_initiative"],
            totals["source_referred"],
            totals["criminal_cases"],
            totals["criminal_persons"],
            totals["petition_cases"],
            totals["petition_persons"],
        ]
    )
    local = book.create_sheet("矛盾不上交")
    local.append(
        [
            "社区",
            "办结纠纷",
            "社区化解",
            "社区化解占比(%)",
            "街道化解",
            "街道化解占比(%)",
            "未在本地化解",
            "未在本地化解占比(%)",
        ]
    )
    for row in [*report.rows, report.total]:
        local.append(
            [
                safe_cell(row.name),
                row.concluded,
                row.settled_community,
                row.community_share,
                row.settled_street,
                row.street_share,
                row.failed + row.referred,
                row.not_local_share,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CASE_COLUMNS = [
    "案号",
    "类型",
    "街道",
    "社区",
    "纠纷类型",
    "来源",
    "状态",
    "层级",
    "结果",
    "登记日期",
    "受理日期",
    "调解成功日期",
    "结案日期",
    "涉及金额",
    "协议金额",
    "涉及人数",
    "防止民转刑",
    "防止群体性上访",
    "风险",
    "调解期限",
]


def case_rows(cases: Any) -> Iterator[list[Any]]:
    """Anonymous case-level rows for analysis: no parties, no ID numbers, phones or
    addresses. Reads with an iterator, so memory stays flat however many rows."""
    from django.utils import timezone

    from cases.choices import DisputeType, Kind, Level, Outcome, Risk, Source, State

    labels = {
        "kind": dict(Kind.choices),
        "type": dict(DisputeType.choices),
        "source": dict(Source.choices),
        "state": dict(State.choices),
        "level": dict(Level.choices),
        "outcome": dict(Outcome.choices),
        "risk": dict(Risk.choices),
    }

    def day(value: Any) -> str:
        return timezone.localtime(value).date().isoformat() if value else ""

    fields = [
        "number",
        "kind",
        "street__name",
        "community__name",
        "dispute_type",
        "source",
        "state",
        "level",
        "outcome",
        "registered_at",
        "accepted_at",
        "settled_at",
        "closed_at",
        "amount_involved",
        "amount_agreed",
        "persons_involved",
        "prevented_criminal",
        "prevented_petition",
        "risk",
        "mediation_due",
    ]
    for row in cases.values_list(*fields).order_by("pk").iterator(chunk_size=5000):
        (
            number,
            kind,
            street,
            community,
            dispute_type,
            source,
            state,
            level,
            outcome,
            registered,
            accepted,
            settled,
            closed,
            involved,
            agreed,
            persons,
            criminal,
            petition,
            risk,
            due,
        ) = row
        yield [
            safe_cell(number),
            str(labels["kind"].get(kind, kind)),
            safe_cell(street),
            safe_cell(community),
            str(labels["type"].get(dispute_type, dispute_type)),
            str(labels["source"].get(source, source)),
            str(labels["state"].get(state, state)),
            str(labels["level"].get(level, level)),
            str(labels["outcome"].get(outcome, "")) if outcome else "",
            day(registered),
            day(accepted),
            day(settled),
            day(closed),
            involved if involved is not None else "",
            agreed if agreed is not None else "",
            persons,
            "是" if criminal else "",
            "是" if petition else "",
            str(labels["risk"].get(risk, "")) if risk else "",
            due.isoformat() if due else "",
        ]


def cases_csv(cases: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CASE_COLUMNS)
    for row in case_rows(cases):
        yield writer.writerow(row)


def report_pdf(report: Report, charts: dict[str, str]) -> bytes:
    from clinic.lib.pdf import render_pdf

    return render_pdf(
        "documents/statistics.html",
        {"report": report, "charts": charts, "columns": FIGURE_COLUMNS},
    )


def period_cases(communities: list[Any], period: Period) -> Any:
    """Cases registered in the period in these communities (the case-level export)."""
    from cases.models import Case

    return Case.objects.filter(
        community__in=communities,
        registered_at__gte=period.start,
        registered_at__lt=period.end,
    )
