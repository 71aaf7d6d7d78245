"""The official report's files: the XLSX in the bureau's layout and a PDF of the same.

One form per reporting unit (each mediation committee of the scope; a 合计 form for the whole
scope when there are several), its 15 dispute types and 合计 under a grouped two-row header, a
numbered-columns row and a units row (``cases.statistics.layout``); under the table the notes
(the counting rule, 成功率 and 办结成功率), the cross-check formulas each saying whether it
holds for the figures above it, and the signature block. Then the 矛盾不上交 sheet: per
community the four outcomes' shares and the 万人成讼率, with their last twelve months.

Labels are Chinese whatever language is active: the files are filed upward in Chinese."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from cases.choices import Source
from cases.statistics import layout
from cases.statistics.figures import SOURCE_GROUPS, Report, Row
from cases.statistics.layout import Check, Column, Layout
from clinic.committees.selectors import organisation_committees, organisation_table
from clinic.lib.export import safe_cell
from clinic.lib.pdf import render_pdf
from clinic.models import MediationCommittee

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: The rows of a form: title, the unit and period line, then the four header rows.
TITLE_ROW, INFO_ROW, BAND_ROW, LABEL_ROW, NUMBER_ROW, UNIT_ROW = 1, 2, 3, 4, 5, 6
FIRST_DATA_ROW = 7
FONT = "宋体"
HOLDS, FAILS = "成立", "不成立"


@dataclass
class Comparison:
    """A line of the 环比/同比 block: this period, the last, a year before, and the changes
    (%, or percentage points for a rate)."""

    label: str
    now: float
    previous: float | None
    year_ago: float | None
    number_format: str
    points: bool = False  # the change of a rate is in percentage points

    @staticmethod
    def _change(now: float, then: float | None, points: bool) -> float | None:
        if then is None:
            return None
        if points:
            return round(now - then, 1)
        return round(100.0 * (now - then) / then, 1) if then else None

    @property
    def month_on_month(self) -> float | None:
        return self._change(self.now, self.previous, self.points)

    @property
    def year_on_year(self) -> float | None:
        return self._change(self.now, self.year_ago, self.points)


@dataclass
class Form:
    """One reporting unit's table, as both files print it."""

    sheet: str
    unit: str
    rows: list[Row]  # the 15 types, then 合计
    checks: list[Check]
    notes: list[str]
    comparison: list[Comparison] = field(default_factory=list)


@dataclass
class Heading:
    """What every form prints above and below its table."""

    title: str
    form_number: str
    authority: str
    period: str
    signatures: list[tuple[str, str]]


def _safe(text: str) -> str:
    """Text from the data, neutralised against formula injection."""
    return str(safe_cell(text))


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"


def period_text(report: Report) -> str:
    return f"{_day(report.period.first)}至{_day(report.period.last)}"


def authority(report: Report, form: Layout) -> str:
    """制表机关 as configured; by default the district's justice bureau (the district of the
    scope's committees), blank when the committees span no single district."""
    if form.authority is not None:
        return form.authority
    ids = [unit.committee_id for unit in report.units]
    districts = {
        (committee.street.district.city, committee.street.district.name)
        for committee in MediationCommittee.objects.filter(pk__in=ids).select_related(
            "street__district"
        )
    }
    if len(districts) != 1:
        return ""
    city, name = districts.pop()
    return f"{city}{name}司法局"


def signatures(filing: Any = None) -> list[tuple[str, str]]:
    """单位负责人, 填报人, 审核人, 报出日期: from the filing when given (报出日期: the district's
    上报, else the street's approval, else the committee's filing), otherwise blank."""

    def name(user: Any) -> str:
        return str(getattr(user, "display_name", "") or user or "") if user else ""

    if filing is None:
        return [("单位负责人", ""), ("填报人", ""), ("审核人", ""), ("报出日期", "")]
    approved = getattr(filing, "state", "") in ("approved", "reported")
    when = getattr(filing, "reported_at", None) or (
        getattr(filing, "reviewed_at", None) if approved else None
    )
    when = when or getattr(filing, "filed_at", None)
    return [
        ("单位负责人", ""),
        ("填报人", name(getattr(filing, "filed_by", None))),
        ("审核人", name(getattr(filing, "reviewed_by", None)) if approved else ""),
        ("报出日期", _day(when)),
    ]


#: The eight (now nine) sources as the official files name them: literal Chinese, the files
#: are filed upward in Chinese whatever the catalogues hold.
SOURCE_NAMES: dict[str, str] = {
    "walk_in": "来访",
    "online": "网上申请",
    "own_initiative": "主动排查",
    "grid_referral": "网格员上报",
    "police": "公安机关移送",
    "court": "法院委派（诉前）",
    "court_entrusted": "法院委托（诉中）",
    "petitions": "信访部门移送",
    "government": "政府部门交办",
}


def notes(total: Row, form: Layout) -> list[str]:
    """The counting rule, the two rates' definitions (with this form's 合计), where each
    source goes."""
    lb = form.label
    groups = {
        group: "、".join(SOURCE_NAMES.get(code, str(Source(code).label)) for code in members)
        for group, members in SOURCE_GROUPS.items()
    }
    outcomes = "、".join(lb(key) for key in ("settled", "failed", "referred", "ended"))
    return [
        f"说明：1. 本表各数为本期流量：{lb('accepted')}按受理日期计，{outcomes}按其发生日期计；"
        f"{lb('carried_in')}为期初仍在办的纠纷，{lb('still_open')}为期末仍在办、结转下期的纠纷。"
        f"此前受理、本期调解成功的纠纷计入本期{lb('settled')}，故{lb('settled')}可多于"
        f"{lb('accepted')}，{lb('success_rate')}可超过100%。",
        f"2. {lb('success_rate')} = {lb('settled')} ÷ {lb('accepted')} × 100%（司法行政统计口径）；"
        f"{lb('concluded_success_rate')} = {lb('settled')} ÷（{lb('settled')} + {lb('failed')} + "
        f"{lb('referred')}）× 100%。本表合计：{lb('success_rate')} {total.success_rate:.1f}%，"
        f"{lb('concluded_success_rate')} {total.concluded_success_rate:.1f}%。",
        f"3. 纠纷来源：{lb('source_parties')}含{groups['parties']}；{lb('source_initiative')}含"
        f"{groups['initiative']}；{lb('source_referred')}含{groups['referred']}，其中法院立案前"
        f"委派的计入{lb('court_delegated')}，立案后委托的计入{lb('court_entrusted')}。",
        f"4. {lb('overdue')}：期末在办且已超过调解期限的纠纷，期末晚于报表制作日的按制表日计。"
        f"{lb('amount_involved')}按受理计，{lb('amount_agreed')}按调解成功计，单位万元。"
        f"{lb('agreements_performed')}按协议计。",
        "5. 预防效果中的防止引起自杀、群体性械斗、群体性事件及排查预防各栏，待排查台账启用后填报。",
    ]


def _comparison(report: Report) -> list[Comparison]:
    now, before, year = report.total, report.previous, report.year_ago

    def pick(row: Row | None, key: str, scale: float = 1) -> float | None:
        if row is None:
            return None
        value = getattr(row, key)
        return round(float(value) / scale, 2)

    lines = []
    for label, key, scale, number_format, points in (
        ("受理（件）", "accepted", 1, "0", False),
        ("调解成功（件）", "settled", 1, "0", False),
        ("调解不成功（件）", "failed", 1, "0", False),
        ("上交（件）", "referred", 1, "0", False),
        ("协议金额（万元）", "amount_agreed", 10000, "0.00", False),
        ("成功率（%，增减为百分点）", "success_rate", 1, "0.0", True),
    ):
        lines.append(
            Comparison(
                label,
                pick(now, key, scale) or 0.0,
                pick(before, key, scale),
                pick(year, key, scale),
                number_format,
                points,
            )
        )
    return lines


def _sheet_name(name: str, taken: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip("' ")[:28] or "表"
    candidate, n = cleaned, 2
    while candidate in taken:
        candidate, n = f"{cleaned[:26]}{n}", n + 1
    taken.add(candidate)
    return candidate


def forms(report: Report, form: Layout) -> list[Form]:
    """The whole scope's form (when there are several units, or none), then each unit's."""
    taken: set[str] = {"矛盾不上交"}
    found = []
    if len(report.units) != 1:
        found.append(
            Form(
                sheet=_sheet_name("合计", taken),
                unit=report.scope_label,
                rows=[*report.by_type, _total(report.total)],
                checks=layout.cross_checks(_Table(report.total, report.by_type), form=form),
                notes=notes(report.total, form),
                comparison=_comparison(report),
            )
        )
    for unit in report.units:
        found.append(
            Form(
                sheet=_sheet_name(unit.name, taken),
                unit=unit.name,
                rows=[*unit.by_type, _total(unit.total)],
                checks=layout.cross_checks(unit, form=form),
                notes=notes(unit.total, form),
                comparison=_comparison(report) if len(report.units) == 1 else [],
            )
        )
    return found


@dataclass
class _Table:
    total: Row
    by_type: list[Row]


def _total(row: Row) -> Row:
    """The 合计 row as printed: named 合计 whatever the unit's name."""
    if row.name == "合计":
        return row
    return replace(row, name="合计")


def heading(report: Report, form: Layout, filing: Any = None) -> Heading:
    return Heading(
        title=form.title,
        form_number=form.form_number,
        authority=authority(report, form),
        period=period_text(report),
        signatures=signatures(filing),
    )


def info_line(head: Heading, unit: str) -> tuple[str, str, str]:
    """The line under the title: 填报单位 (left), the period (middle), 制表机关 and 表号
    (right; 表号 only when configured)."""
    right = f"制表机关：{head.authority}"
    if head.form_number:
        right += f"　表号：{head.form_number}"
    return f"填报单位：{unit}", f"统计期间：{head.period}", right


def check_line(check: Check) -> str:
    return f"{check.text}——{HOLDS if check.holds else FAILS}"


# --- XLSX -----------------------------------------------------------------------------------


def official_xlsx(report: Report, *, filing: Any = None) -> bytes:
    """The official report as a workbook: a sheet per form, then 矛盾不上交."""
    from openpyxl import Workbook  # noqa: PLC0415  heavy: ~0.3 s, only for Excel

    with translation.override(layout.OFFICIAL_LANGUAGE):
        form = layout.configured()
        head = heading(report, form, filing)
        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for table in forms(report, form):
            _write_form(book.create_sheet(table.sheet), table, head, form.columns)
        _write_local(book.create_sheet("矛盾不上交"), report, head)
        _write_organisation(book.create_sheet("组织队伍情况"), report, head)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name=FONT, size=10),
        "bold": Font(name=FONT, size=10, bold=True),
        "title": Font(name=FONT, size=16, bold=True),
        "red": Font(name=FONT, size=10, color="C00000"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
        "top_left": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "fill": PatternFill("solid", fgColor="F2F2F2"),
    }


def wrapped(label: str) -> str:
    """A label as the header prints it: the bracketed qualifier on a line of its own."""
    return label.replace("（", "\n（")


def _width(column: Column) -> float:
    """Wide enough for the label in two lines per part (a CJK character is two units) and
    for the figures."""
    longest = max(len(part) for part in wrapped(column.label).split("\n"))
    return max(8.5 if column.unit == layout.WAN_YUAN else 6.5, 2.1 * math.ceil(longest / 2) + 1.5)


def _header(
    sheet: Worksheet, styles: dict[str, Any], first: str, columns: tuple[Column, ...]
) -> None:
    """Rows 3–6: the bands (a column without one spans both rows), the labels, 甲 1 2 3 …,
    and the units."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    sheet.cell(BAND_ROW, 1, first)
    sheet.merge_cells(start_row=BAND_ROW, end_row=LABEL_ROW, start_column=1, end_column=1)
    sheet.cell(NUMBER_ROW, 1, "甲")
    sheet.cell(UNIT_ROW, 1, "计量单位")
    for band, first_index, last_index in layout.bands(columns):
        start, end = first_index + 2, last_index + 2
        if band:
            sheet.cell(BAND_ROW, start, band)
            if end > start:
                sheet.merge_cells(
                    start_row=BAND_ROW, end_row=BAND_ROW, start_column=start, end_column=end
                )
            for index in range(first_index, last_index + 1):
                sheet.cell(LABEL_ROW, index + 2, wrapped(columns[index].label))
        else:
            sheet.cell(BAND_ROW, start, wrapped(columns[first_index].label))
            sheet.merge_cells(
                start_row=BAND_ROW, end_row=LABEL_ROW, start_column=start, end_column=start
            )
    for index, column in enumerate(columns, start=2):
        sheet.cell(NUMBER_ROW, index, index - 1)
        sheet.cell(UNIT_ROW, index, column.unit)
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)
    for row in range(BAND_ROW, UNIT_ROW + 1):
        for index in range(1, len(columns) + 2):
            cell = sheet.cell(row, index)
            cell.font, cell.alignment, cell.border = (
                styles["bold"] if row <= LABEL_ROW else styles["font"],
                styles["center"],
                styles["border"],
            )
            cell.fill = styles["fill"]
    sheet.row_dimensions[BAND_ROW].height = 20
    sheet.row_dimensions[LABEL_ROW].height = 54


def _top(
    sheet: Worksheet, styles: dict[str, Any], title: str, line: tuple[str, str, str], last: int
) -> None:
    """Row 1: the title; row 2: 填报单位, the period, 制表机关 (and 表号)."""
    sheet.cell(TITLE_ROW, 1, title).font = styles["title"]
    sheet.cell(TITLE_ROW, 1).alignment = styles["center"]
    sheet.merge_cells(start_row=TITLE_ROW, end_row=TITLE_ROW, start_column=1, end_column=last)
    sheet.row_dimensions[TITLE_ROW].height = 30
    third = max(1, last // 3)
    spans = [(1, third), (third + 1, 2 * third), (2 * third + 1, last)]
    for (start, end), text, align in zip(spans, line, ("left", "center", "right"), strict=True):
        cell = sheet.cell(INFO_ROW, start, _safe(text))
        cell.font, cell.alignment = styles["font"], styles[align]
        if end > start:
            sheet.merge_cells(
                start_row=INFO_ROW, end_row=INFO_ROW, start_column=start, end_column=end
            )
    sheet.row_dimensions[INFO_ROW].height = 20


def _text_rows(
    sheet: Worksheet,
    styles: dict[str, Any],
    row: int,
    lines: list[tuple[str, bool]],
    last: int,
    width: float,
) -> int:
    """Full-width wrapped lines from ``row``: (text, in red); returns the next free row."""
    for text, red in lines:
        cell = sheet.cell(row, 1, _safe(text))
        cell.font, cell.alignment = styles["red" if red else "font"], styles["top_left"]
        sheet.merge_cells(start_row=row, end_row=row, start_column=1, end_column=last)
        sheet.row_dimensions[row].height = 14 * max(1, math.ceil(2.1 * len(text) / width))
        row += 1
    return row


def _signature_row(
    sheet: Worksheet, styles: dict[str, Any], row: int, head: Heading, last: int
) -> int:
    quarter = max(1, last // 4)
    for n, (label, value) in enumerate(head.signatures):
        start = 1 + n * quarter
        end = last if n == len(head.signatures) - 1 else start + quarter - 1
        cell = sheet.cell(row, start, _safe(f"{label}：{value or '＿＿＿＿＿＿'}"))
        cell.font, cell.alignment = styles["font"], styles["left"]
        if end > start:
            sheet.merge_cells(start_row=row, end_row=row, start_column=start, end_column=end)
    sheet.row_dimensions[row].height = 24
    return row + 1


def _print_setup(sheet: Worksheet, last_column: int, last_row: int) -> None:
    """A4 landscape, one page wide, the header rows repeated, page numbers in the footer."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.page import PageMargins  # noqa: PLC0415
    from openpyxl.worksheet.properties import PageSetupProperties  # noqa: PLC0415

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.print_title_rows = f"{BAND_ROW}:{UNIT_ROW}"
    if sheet.oddFooter is not None:
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _data_row(
    sheet: Worksheet,
    styles: dict[str, Any],
    row: int,
    name: str,
    values: list[Any],
    formats: list[str],
    bold: bool = False,
) -> None:
    cell = sheet.cell(row, 1, _safe(name))
    cell.font = styles["bold" if bold else "font"]
    cell.alignment, cell.border = styles["left"], styles["border"]
    for index, (value, number_format) in enumerate(zip(values, formats, strict=True), start=2):
        cell = sheet.cell(row, index, value)
        cell.number_format = number_format
        cell.font = styles["bold" if bold else "font"]
        cell.alignment, cell.border = styles["right"], styles["border"]


def _write_form(sheet: Worksheet, table: Form, head: Heading, columns: tuple[Column, ...]) -> None:
    styles = _styles()
    last = len(columns) + 1
    _top(sheet, styles, head.title, info_line(head, table.unit), last)
    _header(sheet, styles, "纠纷类型", columns)
    sheet.column_dimensions["A"].width = 14
    row = FIRST_DATA_ROW
    formats = [column.number_format for column in columns]
    for line in table.rows:
        values = [column.value(line) for column in columns]
        _data_row(sheet, styles, row, line.name, values, formats, bold=line is table.rows[-1])
        row += 1
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2).coordinate
    width = 14 + sum(_width(column) for column in columns)
    row = _text_rows(sheet, styles, row + 1, [(text, False) for text in table.notes], last, width)
    row = _text_rows(
        sheet,
        styles,
        row + 1,
        [("校验公式（对上表各数）：", False)]
        + [(check_line(check), not check.holds) for check in table.checks],
        last,
        width,
    )
    if table.comparison:
        row = _write_comparison(sheet, styles, row + 1, table.comparison)
    row = _signature_row(sheet, styles, row + 1, head, last)
    _print_setup(sheet, last, row - 1)


COMPARISON_HEADER = ("指标", "本期", "上期", "环比增减（%）", "去年同期", "同比增减（%）")


def _write_comparison(
    sheet: Worksheet, styles: dict[str, Any], row: int, lines: list[Comparison]
) -> int:
    """环比 and 同比 of the whole scope, in the first columns under the checks."""
    sheet.cell(row, 1, "与上期（环比）、去年同期（同比）比较").font = styles["bold"]
    row += 1
    for index, text in enumerate(COMPARISON_HEADER, start=1):
        cell = sheet.cell(row, index, text)
        cell.font, cell.alignment, cell.border = styles["bold"], styles["center"], styles["border"]
    sheet.row_dimensions[row].height = 30
    change = "+0.0;-0.0;0.0"
    for line in lines:
        row += 1
        values = [line.now, line.previous, line.month_on_month, line.year_ago, line.year_on_year]
        formats = [line.number_format, line.number_format, change, line.number_format, change]
        _data_row(sheet, styles, row, line.label, values, formats)
        sheet.row_dimensions[row].height = 28
    return row + 1


def _write_local(sheet: Worksheet, report: Report, head: Heading) -> None:
    """矛盾不上交: per community the concluded disputes by where they ended, each with its share
    (上交 apart from 调解不成), and the 万人成讼率; the twelve months' trend below."""
    styles = _styles()
    columns = layout.LOCAL_COLUMNS
    last = len(columns) + 1
    _top(sheet, styles, "矛盾不上交情况表", info_line(head, report.scope_label), last)
    _header(sheet, styles, "社区", columns)
    sheet.column_dimensions["A"].width = 16
    rows = [*report.rows, _total(report.total)]
    formats = [column.number_format for column in columns]
    row = FIRST_DATA_ROW
    for line in rows:
        values = [column.value(line) for column in columns]
        _data_row(sheet, styles, row, line.name, values, formats, bold=line is rows[-1])
        row += 1
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2).coordinate
    width = 14 + sum(_width(column) for column in columns)
    checks = layout.local_checks(rows)
    row = _text_rows(sheet, styles, row + 1, [(text, False) for text in LOCAL_NOTES], last, width)
    row = _text_rows(
        sheet,
        styles,
        row + 1,
        [("校验公式（对上表各数）：", False)]
        + [(check_line(check), not check.holds) for check in checks],
        last,
        width,
    )
    row = _write_trend(sheet, styles, row + 1, report)
    row = _signature_row(sheet, styles, row + 1, head, last)
    _print_setup(sheet, last, row - 1)


#: The organisation table's columns (组织队伍情况): the row's attribute, label and unit.
ORGANISATION_COLUMNS = (
    Column("committees", "调委会数", "个"),
    Column("members", "调解员", "人"),
    Column("full_time", "专职调解员", "人", band="其中"),
    Column("part_time", "兼职调解员", "人", band="其中"),
    Column("training_hours", "培训学时", "小时"),
)


def _write_organisation(sheet: Worksheet, report: Report, head: Heading) -> None:
    """组织队伍情况: the scope's committees by type (村居, 乡镇街道, 企事业, 行业专业 with its
    fields, 派驻, 个人调解工作室), their mediators serving at the period's end (专职, 兼职) and
    the training hours of the period's year (``clinic.committees.selectors``); laid out as
    the forms are, with the cross-checks and the signature block under it."""
    styles = _styles()
    columns = ORGANISATION_COLUMNS
    last = len(columns) + 1
    _top(sheet, styles, "组织队伍情况表", info_line(head, report.scope_label), last)
    _header(sheet, styles, "调委会类型", columns)
    sheet.column_dimensions["A"].width = 24
    on = min(report.period.last, timezone.localdate())
    committees = organisation_committees(unit.committee_id for unit in report.units)
    table = organisation_table(committees, on=on, year=report.period.last.year)
    formats = ["0", "0", "0", "0", "0.0"]
    row = FIRST_DATA_ROW
    for line in table:
        name = line.label + (f"（{'、'.join(line.details)}）" if line.details else "")
        values = [*(getattr(line, c.key) for c in columns[:-1]), float(line.training_hours)]
        _data_row(sheet, styles, row, name, values, formats, bold=line is table[-1])
        row += 1
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2).coordinate
    *kinds, total = table
    checks = [
        Check(
            "① 调解员 = 专职调解员 + 兼职调解员（各行）",
            all(r.members == r.full_time + r.part_time for r in table),
        ),
        Check(
            "② 合计 = 各类型之和（各列）",
            all(getattr(total, c.key) == sum(getattr(r, c.key) for r in kinds) for c in columns),
        ),
    ]
    width = 24 + sum(_width(column) for column in columns)
    row = _text_rows(sheet, styles, row + 1, [(ORGANISATION_NOTE, False)], last, width)
    row = _text_rows(
        sheet,
        styles,
        row + 1,
        [("校验公式（对上表各数）：", False)]
        + [(check_line(check), not check.holds) for check in checks],
        last,
        width,
    )
    row = _signature_row(sheet, styles, row + 1, head, last)
    _print_setup(sheet, last, row - 1)


ORGANISATION_NOTE = (
    "说明：调解员为统计期末在任的调委会成员；培训学时为统计年度内参加业务培训的学时合计。"
    "村居、乡镇街道调委会受理本系统的案件，其余类型调委会仅列入本表。"
)


LOCAL_NOTES = [
    "说明：1. 办结 = 调解成功 + 调解不成 + 上交（撤回、终止不计）。社区化解、街道化解为在社区、街道"
    "调解成功的纠纷；上交为移交上级或其他部门处理的纠纷，单独列示，不并入调解不成。各占比以办结为"
    "分母，合计为100%。",
    "2. 万人成讼率 = 民事一审收案 ÷ 常住人口 × 10000（民事一审收案由法院提供；未登记常住人口的"
    "社区不计算）。",
]

#: The trend block: (heading, key in ``report.trend``, number format). 调解不成 and 上交 apart
#: when the trend tells them apart, else together as 未在本地化解.
TREND_COLUMNS = (
    ("月份", "label", "@"),
    ("办结（件）", "concluded", "0"),
    ("社区化解（%）", "community", "0.0"),
    ("街道化解（%）", "street", "0.0"),
    ("调解不成（%）", "failed", "0.0"),
    ("上交（%）", "referred", "0.0"),
    ("未在本地化解（%）", "not_local", "0.0"),
    ("万人成讼率（件/万人）", "litigation_rate", "0.00"),
)


def trend_columns(report: Report) -> list[tuple[str, str, str]]:
    keys = set().union(*(month.keys() for month in report.trend)) if report.trend else set()
    apart = {"failed", "referred"} <= keys
    return [
        column
        for column in TREND_COLUMNS
        if column[1] not in ({"not_local"} if apart else {"failed", "referred"})
    ]


def _write_trend(sheet: Worksheet, styles: dict[str, Any], row: int, report: Report) -> int:
    columns = trend_columns(report)
    sheet.cell(row, 1, "近十二个月趋势").font = styles["bold"]
    row += 1
    for index, (text, _key, _fmt) in enumerate(columns, start=1):
        cell = sheet.cell(row, index, text)
        cell.font, cell.alignment, cell.border = styles["bold"], styles["center"], styles["border"]
    sheet.row_dimensions[row].height = 30
    for month in report.trend:
        row += 1
        values = [month.get(key) for _text, key, _fmt in columns[1:]]
        formats = [fmt for _text, _key, fmt in columns[1:]]
        _data_row(sheet, styles, row, str(month["label"]), values, formats)
    return row + 1


# --- PDF ------------------------------------------------------------------------------------

#: The most columns a table part holds across an A4 landscape page (the type column apart).
PDF_COLUMNS = 20


def _shown(value: Any, number_format: str) -> str:
    if value is None:
        return ""
    if number_format == "0.00":
        return f"{float(value):.2f}"
    if number_format == "0.0":
        return f"{float(value):.1f}"
    if isinstance(value, Decimal | float):
        return f"{value:.0f}"
    return str(value)


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def _part(columns: list[Column], numbers: list[int], rows: list[Row]) -> dict[str, Any]:
    """One page-wide slice of a table: its header cells and its rows as printed strings."""
    bands, labels = [], []
    for band, first, last in layout.bands(columns):
        if band:
            bands.append({"text": band, "colspan": last - first + 1, "rowspan": 1})
            labels.extend(columns[first : last + 1])
        else:
            bands.append({"text": wrapped(columns[first].label), "colspan": 1, "rowspan": 2})
    return {
        "bands": bands,
        "labels": [wrapped(column.label) for column in labels],
        "numbers": numbers,
        "units": [column.unit for column in columns],
        "rows": [
            {
                "name": row.name,
                "cells": [_shown(column.value(row), column.number_format) for column in columns],
                "total": row is rows[-1],
            }
            for row in rows
        ],
    }


def _parts(columns: tuple[Column, ...], rows: list[Row]) -> list[dict[str, Any]]:
    number = {column.key: n for n, column in enumerate(columns, start=1)}
    return [
        _part(part, [number[column.key] for column in part], rows)
        for part in layout.split(columns, PDF_COLUMNS)
    ]


def official_pdf(
    report: Report, *, filing: Any = None, charts: dict[str, str] | None = None
) -> bytes:
    """The same forms as the workbook, A4 landscape, each table cut between bands into parts
    a page wide (the column numbers keep their place), its header repeated on every page."""
    with translation.override(layout.OFFICIAL_LANGUAGE):
        form = layout.configured()
        head = heading(report, form, filing)
        pages = []
        for table in forms(report, form):
            pages.append(
                {
                    "form": table,
                    "line": info_line(head, table.unit),
                    "parts": _parts(form.columns, table.rows),
                    "checks": [(check_line(check), check.holds) for check in table.checks],
                    "comparison": [
                        {
                            "label": line.label,
                            "cells": [
                                _shown(line.now, line.number_format),
                                _shown(line.previous, line.number_format),
                                _signed(line.month_on_month),
                                _shown(line.year_ago, line.number_format),
                                _signed(line.year_on_year),
                            ],
                        }
                        for line in table.comparison
                    ],
                }
            )
        local_rows = [*report.rows, _total(report.total)]
        local = {
            "line": info_line(head, report.scope_label),
            "parts": _parts(layout.LOCAL_COLUMNS, local_rows),
            "checks": [
                (check_line(check), check.holds) for check in layout.local_checks(local_rows)
            ],
            "notes": LOCAL_NOTES,
            "trend_header": [text for text, _key, _fmt in trend_columns(report)],
            "trend": [
                [str(month["label"])]
                + [_shown(month.get(key), fmt) for _text, key, fmt in trend_columns(report)[1:]]
                for month in report.trend
            ],
        }
        return render_pdf(
            "documents/official_report.html",
            {
                "head": head,
                "pages": pages,
                "local": local,
                "comparison_header": COMPARISON_HEADER,
                "charts": charts or {},
            },
        )
