"""Exports of the statistics: CSV (streamed), the official report as XLSX and PDF
(``cases.statistics.official``), and a case-level CSV for analysis that holds no names, ID
numbers, phones or addresses. Every text cell is neutralised against spreadsheet formula
injection."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db import connection
from django.db.models import Case as When_
from django.db.models import CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone

from cases.choices import Difficulty, DisputeType, Kind, Level, Outcome, Risk, Source, State
from cases.models import Case
from cases.statistics import layout, official
from cases.statistics.figures import Period, Report, Row
from clinic.lib.export import safe_cell
from clinic.models import Community

#: The figures' files are filed upward in Chinese, whatever language the person reads: they
#: are made under this language (labels of dispute types, sources, states, charts).
OFFICIAL_LANGUAGE = layout.OFFICIAL_LANGUAGE

#: The CSV's columns: the official report's figures per community (成功率 = 调解成功 ÷ 受理,
#: the official definition; 办结成功率 = 调解成功 ÷ 办结), then the 矛盾不上交 shares, the
#: 万人成讼率 and the clinic's own figures.
FIGURE_COLUMNS: list[tuple[str, str]] = [
    ("name", "社区"),
    ("accepted", "受理纠纷"),  # second, as before: scripts reading the CSV keep their column
    ("carried_in", "上期结转"),
    ("reaccepted", "其中重新受理"),
    ("advice", "法律咨询"),
    ("source_parties", "当事人申请"),
    ("source_initiative", "主动调解"),
    ("source_referred", "委托移送"),
    ("court_delegated", "法院委派(诉前)"),
    ("court_entrusted", "法院委托(诉中)"),
    ("settled", "调解成功"),
    ("written", "书面协议"),
    ("oral", "口头协议"),
    ("failed", "调解不成"),
    ("referred", "上交"),
    ("ended", "撤回/终止"),
    ("withdrawn", "撤回"),
    ("declined", "终止"),
    ("still_open", "结转下期(期末在办)"),
    ("overdue", "期末超期"),
    ("success_rate", "成功率(%)"),
    ("concluded_success_rate", "办结成功率(%)"),
    ("settled_community", "社区化解"),
    ("settled_street", "街道化解"),
    ("community_share", "社区化解占比(%)"),
    ("street_share", "街道化解占比(%)"),
    ("failed_share", "调解不成占比(%)"),
    ("referred_share", "上交占比(%)"),
    ("not_local_share", "未在本地化解占比(%)"),
    ("confirm_applied", "司法确认申请"),
    ("confirm_confirmed", "司法确认有效"),
    ("agreements_performed", "协议已履行"),
    ("amount_involved", "涉及金额(元)"),
    ("amount_agreed", "协议金额(元)"),
    ("parties", "当事人数"),
    ("multi_party", "三方以上当事人纠纷"),
    ("criminal_cases", "防止民转刑(件)"),
    ("criminal_persons", "防止民转刑(人)"),
    ("suicide_cases", "防止引起自杀(件)"),
    ("suicide_persons", "防止引起自杀(人)"),
    ("petition_cases", "防止群体性上访(件)"),
    ("petition_persons", "防止群体性上访(人)"),
    ("fight_cases", "防止群体性械斗(件)"),
    ("fight_persons", "防止群体性械斗(人)"),
    ("incident_cases", "防止群体性事件(件)"),
    ("incident_persons", "防止群体性事件(人)"),
    ("sweeps", "排查次数"),
    ("sweep_found", "排查发现纠纷"),
    ("sweep_prevented", "预防纠纷"),
    ("civil_filings", "民事一审收案"),
    ("population", "常住人口"),
    ("litigation_rate", "万人成讼率"),
    ("avg_days", "平均调解天数"),
    ("median_days", "调解天数中位数"),
    ("on_time_share", "按时回访率(%)"),
    ("performed_share", "回访履行率(%)"),
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
    """The page's figures, one row per community and the total, then the totals of the last
    period (环比) and of the same period a year before (同比), as streamed CSV lines."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([f"{report.scope_label} {report.period.label}"])
    yield writer.writerow([label for _key, label in FIGURE_COLUMNS])
    for row in [*report.rows, report.total]:
        yield writer.writerow([_cell(row, key) for key, _label in FIGURE_COLUMNS])
    for name, before in (
        ("上期合计(环比)", report.previous),
        ("去年同期合计(同比)", report.year_ago),
    ):
        if before is not None:
            yield writer.writerow([name, *(_cell(before, key) for key, _ in FIGURE_COLUMNS[1:])])


def _cell(row: Row, key: str) -> Any:
    value = getattr(row, key)
    if value is None:
        return ""
    return safe_cell(value) if isinstance(value, str) else value


def figures_xlsx(report: Report, *, filing: Any = None) -> bytes:
    """The official report's workbook (``official.official_xlsx``)."""
    return official.official_xlsx(report, filing=filing)


CASE_COLUMNS = [
    "案号",
    "类型",
    "街道",
    "社区",
    "纠纷类型",
    "纠纷细类",
    "难易程度",
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
    "防止引起自杀",
    "防止群体性上访",
    "防止群体性械斗",
    "防止群体性事件",
    "风险",
    "调解期限",
]


def _labelled(field_name: str, choices: list[tuple[str, Any]]) -> Any:
    return When_(
        *[When(**{field_name: code}, then=Value(str(label))) for code, label in choices],
        default=F(field_name),
        output_field=CharField(),
    )


def _safe(field_name: str) -> Any:
    """Formula injection neutralised in SQL: a leading = + - @ tab or CR gets an apostrophe."""
    risky = Q()
    for start in ("=", "+", "-", "@", "\t", "\r"):
        risky |= Q(**{f"{field_name}__startswith": start})
    return When_(
        When(risky, then=Concat(Value("'"), F(field_name), output_field=CharField())),
        default=F(field_name),
        output_field=CharField(),
    )


def case_export_queryset(cases: QuerySet[Case]) -> QuerySet[Case, tuple[Any, ...]]:
    """The anonymous case-level rows, every column final (labels, local dates, formula-safe)
    so the database does all the work: no parties, no ID numbers, phones or addresses."""
    tz = timezone.get_current_timezone()

    def yes(field_name: str) -> Any:
        return When_(
            When(**{field_name: True}, then=Value("是")),
            default=Value(""),
            output_field=CharField(),
        )

    return (
        cases.order_by("pk")
        .annotate(
            x_number=_safe("number"),
            x_kind=_labelled("kind", Kind.choices),
            x_street=_safe("street__name"),
            x_community=_safe("community__name"),
            x_type=_labelled("dispute_type", DisputeType.choices),
            x_subtype=_safe("dispute_subtype__name"),
            x_difficulty=_labelled("difficulty", [c for c in Difficulty.choices if c[0]]),
            x_source=_labelled("source", Source.choices),
            x_state=_labelled("state", State.choices),
            x_level=_labelled("level", Level.choices),
            x_outcome=_labelled("outcome", Outcome.choices),
            x_registered=TruncDate("registered_at", tzinfo=tz),
            x_accepted=TruncDate("accepted_at", tzinfo=tz),
            x_settled=TruncDate("settled_at", tzinfo=tz),
            x_closed=TruncDate("closed_at", tzinfo=tz),
            x_criminal=yes("prevented_criminal"),
            x_suicide=yes("prevented_suicide"),
            x_petition=yes("prevented_petition"),
            x_fight=yes("prevented_fight"),
            x_incident=yes("prevented_incident"),
            x_risk=_labelled("risk", [c for c in Risk.choices if c[0]]),
        )
        .values_list(
            "x_number",
            "x_kind",
            "x_street",
            "x_community",
            "x_type",
            "x_subtype",
            "x_difficulty",
            "x_source",
            "x_state",
            "x_level",
            "x_outcome",
            "x_registered",
            "x_accepted",
            "x_settled",
            "x_closed",
            "amount_involved",
            "amount_agreed",
            "persons_involved",
            "x_criminal",
            "x_suicide",
            "x_petition",
            "x_fight",
            "x_incident",
            "x_risk",
            "mediation_due",
        )
    )


def case_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    """The rows one by one (a server-side cursor keeps memory flat)."""
    for row in case_export_queryset(cases).iterator(chunk_size=5000):
        yield ["" if value is None else value for value in row]


def cases_csv(cases: QuerySet[Case]) -> Iterator[str]:
    """Streamed CSV. On PostgreSQL the rows come straight from ``COPY … TO STDOUT``."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CASE_COLUMNS)
    if connection.vendor == "postgresql":
        sql, params = case_export_queryset(cases).query.sql_with_params()
        with connection.cursor() as cursor:
            copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
            with cursor.cursor.copy(copy_sql, params) as copy:
                for chunk in copy:
                    yield bytes(chunk).decode()
        return
    for row in case_rows(cases):
        yield writer.writerow(row)


def cases_xlsx(
    cases: QuerySet[Case], out: IO[bytes], progress: Callable[[int], None] | None = None
) -> int:
    """The same rows as an Excel workbook, written row by row (openpyxl's write-only mode
    keeps memory flat); ``progress(rows)`` is called every 2,000 rows. Returns the count."""
    from openpyxl import Workbook  # noqa: PLC0415  heavy: ~0.3 s, only for Excel
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415  the same
    from openpyxl.styles import Font  # noqa: PLC0415  the same

    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件明细")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in CASE_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in case_rows(cases):
        sheet.append(row)  # already formula-safe: the query neutralised every text column
        written += 1
        if progress is not None and written % 2000 == 0:
            progress(written)
    book.save(out)
    return written


def report_pdf(
    report: Report, charts: dict[str, str] | None = None, *, filing: Any = None
) -> bytes:
    """The official report as a PDF (``official.official_pdf``), with the 矛盾不上交 charts."""
    return official.official_pdf(report, filing=filing, charts=charts)


def period_cases(communities: list[Community], period: Period) -> QuerySet[Case]:
    """Cases registered in the period in these communities (the case-level export)."""
    return Case.objects.filter(
        community__in=communities,
        registered_at__gte=period.start,
        registered_at__lt=period.end,
    )
