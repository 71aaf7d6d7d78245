"""A monthly statement on paper (PDF, A4) and as a workbook (XLSX), in the official language
whatever the reader's: the 司法所 files and pays from them."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.choices import DIFFICULTY_DEFINITIONS, Difficulty
from cases.subsidies.statement import Statement
from clinic.lib.export import safe_cell
from clinic.lib.pdf import render_pdf

OFFICIAL_LANGUAGE = "zh-hans"
TITLE = "人民调解员以案定补月度结算表"
FONT = "宋体"
#: The columns' widths (characters), A to K.
WIDTHS = (5, 24, 12, 11, 10, 14, 9, 14, 10, 10, 11)


def filename(statement: Statement, extension: str) -> str:
    name = statement.mediator.display_name or statement.mediator.username
    return f"以案定补-{statement.street.name}-{name}-{statement.month:%Y-%m}.{extension}"


def _state(statement: Statement) -> str:
    frozen = statement.frozen
    if frozen is None:
        return _("Not approved yet: the figures may still change.")
    return _("Approved by %(person)s on %(day)s.") % {
        "person": frozen.approved_by,
        "day": f"{timezone.localtime(frozen.approved_at):%Y-%m-%d}",
    }


def _rule(statement: Statement) -> str:
    rule = statement.rule
    if rule is None:
        return _("No subsidy rule in force this month: every case earns nothing.")
    text = _("Rule in force from %(month)s") % {"month": f"{rule.valid_from:%Y-%m}"}
    return f"{text}（{rule.basis}）" if rule.basis else text


def _money(value: Any) -> str:
    return f"{value:.2f}" if value is not None else "—"


def _rows(statement: Statement) -> list[list[str]]:
    return [
        [
            str(number),
            line.number or "—",
            line.community,
            line.concluded_on,
            line.difficulty_label,
            line.outcome_label,
            line.review_label,
            line.standing_label,
            _money(line.rate),
            _money(line.extra),
            _money(line.amount),
        ]
        for number, line in enumerate(statement.lines, start=1)
    ]


def header() -> list[str]:
    return [
        _("No."),
        _("Case number"),
        _("Community"),
        _("Concluded"),
        _("Difficulty grade"),
        _("Outcome"),
        _("File review"),
        _("Standing"),
        _("Rate (yuan)"),
        _("Extra for the file (yuan)"),
        _("Amount (yuan)"),
    ]


def signatures() -> list[str]:
    return [_("Mediator (signature):"), _("Reviewed by (signature):"), _("Approved (seal):")]


def _totals(statement: Statement) -> list[tuple[str, str]]:
    totals = [(_("Before the cap (yuan)"), _money(statement.subtotal))]
    if statement.cap is not None:
        totals.append((_("Cap per month (yuan)"), _money(statement.cap)))
    totals.append((_("Total (yuan)"), _money(statement.total)))
    return totals


def _context(statement: Statement) -> dict[str, Any]:
    return {
        "title": TITLE,
        "statement": statement,
        "mediator": statement.mediator.display_name or statement.mediator.username,
        "month": f"{statement.month.year}年{statement.month.month}月",
        "state": _state(statement),
        "rule": _rule(statement),
        "header": header(),
        "rows": _rows(statement),
        "totals": _totals(statement),
        "counted": statement.counted,
        "pending": statement.pending,
        "definitions": [(d.label, DIFFICULTY_DEFINITIONS[d]) for d in Difficulty],
        "printed": f"{timezone.localdate():%Y-%m-%d}",
        "signatures": signatures(),
    }


def statement_pdf(statement: Statement) -> bytes:
    with translation.override(OFFICIAL_LANGUAGE):
        return render_pdf("documents/subsidy_statement.html", _context(statement))


def statement_xlsx(statement: Statement) -> bytes:
    """One sheet: the heading lines, the cases, the totals, the signatures; amounts as
    numbers with two places."""
    from openpyxl import Workbook  # noqa: PLC0415  heavy: ~0.3 s, only for Excel
    from openpyxl.styles import Alignment, Border, Font, Side  # noqa: PLC0415

    with translation.override(OFFICIAL_LANGUAGE):
        context = _context(statement)
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101  a new workbook has its sheet
        sheet.title = f"{statement.month:%Y-%m}"
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        font, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
        sheet.append([TITLE])
        sheet["A1"].font = Font(name=FONT, size=16, bold=True)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=11)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(
            [
                f"{_('Street')}：{statement.street.name}",
                None,
                None,
                safe_cell(f"{_('Mediator')}：{context['mediator']}"),
                None,
                None,
                f"{_('Month')}：{context['month']}",
            ]
        )
        sheet.append([safe_cell(context["rule"])])
        sheet.append(context["header"])
        for cell in sheet[4]:
            cell.font, cell.border = bold, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for number, line in enumerate(statement.lines, start=1):
            sheet.append(
                [
                    number,
                    safe_cell(line.number),
                    safe_cell(line.community),
                    line.concluded_on,
                    line.difficulty_label,
                    line.outcome_label,
                    line.review_label,
                    line.standing_label,
                    line.rate,
                    line.extra,
                    line.amount,
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.font, cell.border = font, border
            for column in (9, 10, 11):
                sheet.cell(sheet.max_row, column).number_format = "0.00"
        for label, _value in context["totals"]:
            sheet.append([label, *[None] * 9, None])
            row = sheet.max_row
            sheet.cell(row, 1).font = bold
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=10)
        # the totals as numbers, not text
        rows = sheet.max_row - len(context["totals"]) + 1
        amounts = [statement.subtotal, *([statement.cap] if statement.cap is not None else [])]
        for offset, value in enumerate([*amounts, statement.total]):
            cell = sheet.cell(rows + offset, 11, value)
            cell.number_format, cell.font, cell.border = "0.00", bold, border
        sheet.append([context["state"]])
        sheet.append([])
        sheet.append(
            [
                *signatures()[0:1],
                None,
                None,
                None,
                signatures()[1],
                None,
                None,
                None,
                signatures()[2],
            ]
        )
        for letter, width in zip("ABCDEFGHIJK", WIDTHS, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.print_title_rows = "4:4"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
