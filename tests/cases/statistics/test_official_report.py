"""The official report's files: the bureau's layout (grouped header, numbered columns, units,
frozen header, A4 landscape), a form per committee and the 矛盾不上交 sheet, the figures of
hand-made cases, the cross-check formulas true for the figures above them (the demo data
included), the configured labels and 表号, and the PDF of the same."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from cases.choices import DisputeType, Source
from cases.models import Case, ReportFiling
from cases.statistics import exports, figures, layout, official
from cases.statistics.figures import Report, Row
from clinic.models import Community, District, MediationCommittee, Street, User
from tests.conftest import person

SEPT = figures.month_period(2026, 9)
JINJIANG, BEICHEN = "金江路社区", "北辰社区"


def at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


def make_case(
    community: str,
    *,
    accepted: datetime,
    outcome: str = "",
    level: str = "community",
    settled: datetime | None = None,
    closed: datetime | None = None,
    dispute_type: str = "neighbour",
    source: str = "walk_in",
    amount_agreed: int | None = None,
    criminal: int = 0,
) -> Case:
    """A case as it stands after its history, written straight to the table (the figures
    read only these columns)."""
    place = Community.objects.get(name=community)
    state = "closed" if closed else ("follow_up" if settled else "sit_in")
    return Case.objects.create(
        state=state,
        kind="dispute",
        committee=place.committee,
        community=place,
        street=place.street,
        registered_by=User.objects.get(username="mediator"),
        registered_at=accepted - timedelta(days=1),
        accepted_at=accepted,
        settled_at=settled,
        closed_at=closed,
        outcome=outcome,
        level=level,
        source=source,
        dispute_type=dispute_type,
        summary="x",
        amount_agreed=Decimal(amount_agreed) if amount_agreed else None,
        prevented_criminal=bool(criminal),
        prevented_criminal_persons=criminal,
        mediation_due=(accepted + timedelta(days=30)).date(),
    )


@pytest.fixture
def september(demo: None) -> Report:
    """Hand-counted September 2026 in 联盟街道.

    金江路社区: carried in 1 (accepted in August, settled in writing on 12 September);
    accepted 5: an oral settlement from a grid referral (labour, 2,000 yuan agreed, 3 persons
    kept from crime), a police transfer that failed, a walk-in still open, a walk-in
    withdrawn, a court delegation settled in writing at the street. 北辰社区: accepted 2
    walk-ins, one referred out, one settled in writing at the street.
    """
    make_case(JINJIANG, accepted=at(20, 8), outcome="settled_written", settled=at(12))
    make_case(
        JINJIANG,
        accepted=at(2),
        outcome="settled_oral",
        settled=at(20),
        dispute_type="labour",
        source="grid_referral",
        amount_agreed=2000,
        criminal=3,
    )
    make_case(JINJIANG, accepted=at(3), outcome="failed", closed=at(28), source="police")
    make_case(JINJIANG, accepted=at(5))
    make_case(JINJIANG, accepted=at(6), outcome="withdrawn", closed=at(10))
    make_case(
        JINJIANG,
        accepted=at(7),
        outcome="settled_written",
        level="street",
        settled=at(15),
        source="court",
    )
    make_case(BEICHEN, accepted=at(10), outcome="referred_out", level="referred_out", closed=at(15))
    make_case(BEICHEN, accepted=at(11), outcome="settled_written", level="street", settled=at(12))
    street = Street.objects.get(name="联盟街道")
    return figures.compute(
        list(Community.objects.filter(street=street).order_by("code")), SEPT, street.name
    )


def workbook(report: Report, **kwargs: Any) -> Any:
    return load_workbook(io.BytesIO(official.official_xlsx(report, **kwargs)))


def column_of(key: str) -> int:
    """The sheet column of a figure (column A holds the types)."""
    keys = [column.key for column in layout.configured().columns]
    return keys.index(key) + 2


def total_row(sheet: Worksheet) -> int:
    return next(
        row
        for row in range(official.FIRST_DATA_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value == "合计"
    )


def texts(sheet: Worksheet) -> list[str]:
    return [
        value
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]


# --- Layout ---------------------------------------------------------------------------------


def test_a_form_per_committee_then_the_scope_and_the_local_sheet(september: Report) -> None:
    book = workbook(september)
    names = book.sheetnames
    assert names[0] == "合计" and names[-2:] == ["矛盾不上交", "组织队伍情况"]
    assert names[1:-2] == [unit.name for unit in september.units]
    committees = {
        MediationCommittee.objects.get(community__name=n).name for n in (JINJIANG, BEICHEN)
    }
    assert committees <= set(names)
    first = book["合计"]
    assert first.cell(official.TITLE_ROW, 1).value == "人民调解案件统计表"
    assert "填报单位：联盟街道" in texts(first)
    own = book[MediationCommittee.objects.get(community__name=JINJIANG).name]
    assert f"填报单位：{own.title}" in texts(own)
    assert "统计期间：2026年9月1日至2026年9月30日" in texts(own)


def test_the_header_has_bands_numbered_columns_and_units(september: Report) -> None:
    sheet = workbook(september)["合计"]
    columns = layout.configured().columns
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    # a band spans its columns in the first header row; a column without one spans both rows
    first, last = column_of("source_parties"), column_of("court_entrusted")
    assert sheet.cell(official.BAND_ROW, first).value == "纠纷来源"
    assert _range(official.BAND_ROW, first, official.BAND_ROW, last) in merged
    assert [sheet.cell(official.LABEL_ROW, c).value for c in range(first, last + 1)] == [
        "当事人申请",
        "主动调解",
        "委托移送",
        "法院委派\n（诉前）",
        "法院委托\n（诉中）",
    ]
    prevention = column_of("criminal_cases")
    assert sheet.cell(official.BAND_ROW, prevention).value == "预防效果"
    assert _range(official.BAND_ROW, prevention, official.BAND_ROW, prevention + 9) in merged
    accepted = column_of("accepted")
    assert sheet.cell(official.BAND_ROW, accepted).value == "受理"
    assert _range(official.BAND_ROW, accepted, official.LABEL_ROW, accepted) in merged
    assert sheet.cell(official.BAND_ROW, 1).value == "纠纷类型"
    numbers = [sheet.cell(official.NUMBER_ROW, c).value for c in range(1, len(columns) + 2)]
    assert numbers == ["甲", *range(1, len(columns) + 1)]
    units = [sheet.cell(official.UNIT_ROW, c).value for c in range(2, len(columns) + 2)]
    assert units[column_of("accepted") - 2] == "件"
    assert units[column_of("amount_agreed") - 2] == "万元"
    assert units[column_of("criminal_persons") - 2] == "人"
    assert units[column_of("success_rate") - 2] == "%"
    assert units[column_of("sweeps") - 2] == "次"
    types = [sheet.cell(row, 1).value for row in range(official.FIRST_DATA_ROW, total_row(sheet))]
    assert types == [str(label) for _code, label in DisputeType.choices]
    # wide enough for the Chinese: no header column narrower than two characters a line
    assert all(
        (sheet.column_dimensions[cell.column_letter].width or 0) >= 6.5
        for cell in sheet[official.UNIT_ROW]
    )


def _range(top: int, left: int, bottom: int, right: int) -> str:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    return f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"


def test_the_header_is_frozen_and_the_sheet_prints_on_a4_landscape(september: Report) -> None:
    book = workbook(september)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B7", sheet.title
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
        assert setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$6"
        area = str(sheet.print_area)
        assert area.startswith(f"'{sheet.title}'!$A$1:") or area.startswith("$A$1:"), area
        # the signature block is the last printed row
        assert area.endswith(f"${sheet.max_row}")
        assert any(text.startswith("单位负责人") for text in texts(sheet))


def test_number_formats_follow_the_units(september: Report) -> None:
    sheet = workbook(september)["合计"]
    row = total_row(sheet)
    assert sheet.cell(row, column_of("accepted")).number_format == "0"
    assert sheet.cell(row, column_of("amount_agreed")).number_format == "0.00"
    assert sheet.cell(row, column_of("success_rate")).number_format == "0.0"


# --- Figures --------------------------------------------------------------------------------


def test_the_figures_are_the_hand_counted_ones(september: Report) -> None:
    book = workbook(september)
    sheet = book["合计"]
    row = total_row(sheet)

    def cell(key: str) -> Any:
        return sheet.cell(row, column_of(key)).value

    assert (cell("carried_in"), cell("accepted")) == (1, 7)
    assert (cell("source_parties"), cell("source_initiative"), cell("source_referred")) == (4, 1, 2)
    assert cell("court_delegated") == 1
    assert (cell("settled"), cell("written"), cell("oral")) == (4, 3, 1)
    assert (cell("failed"), cell("referred"), cell("ended"), cell("still_open")) == (1, 1, 1, 1)
    assert cell("success_rate") == 57.1  # 4 ÷ 7, the official definition
    assert cell("concluded_success_rate") == 66.7  # 4 ÷ (4 + 1 + 1)
    assert cell("amount_agreed") == 0.2  # 2,000 yuan in 万元
    assert (cell("criminal_cases"), cell("criminal_persons")) == (1, 3)
    own = book[MediationCommittee.objects.get(community__name=JINJIANG).name]
    line = total_row(own)
    assert own.cell(line, column_of("carried_in")).value == 1
    assert own.cell(line, column_of("accepted")).value == 5
    assert any("成功率 60.0%，办结成功率 75.0%" in text for text in texts(own))  # its own 合计
    labour = next(
        r for r in range(official.FIRST_DATA_ROW, line) if own.cell(r, 1).value == "劳动争议"
    )
    assert own.cell(labour, column_of("oral")).value == 1
    assert own.cell(labour, column_of("source_initiative")).value == 1
    local = {r[0]: r for r in book["矛盾不上交"].iter_rows(values_only=True) if r[0]}
    # 办结, 社区化解 件 %, 街道化解 件 %, 调解不成 件 %, 上交 件 %: 上交 apart from 调解不成
    assert local["合计"][1:10] == (6, 2, 33.3, 2, 33.3, 1, 16.7, 1, 16.7)
    assert local[BEICHEN][1:10] == (2, 0, 0.0, 1, 50.0, 0, 0.0, 1, 50.0)


def test_every_cell_is_the_reports_figure(september: Report) -> None:
    book = workbook(september)
    columns = layout.configured().columns
    for unit in [None, *september.units]:
        sheet = book["合计" if unit is None else unit.name]
        rows = (
            [*september.by_type, september.total] if unit is None else [*unit.by_type, unit.total]
        )
        for offset, figures_row in enumerate(rows):
            line = official.FIRST_DATA_ROW + offset
            for index, column in enumerate(columns, start=2):
                assert sheet.cell(line, index).value == column.value(figures_row), (
                    sheet.title,
                    figures_row.name,
                    column.key,
                )


def test_the_csv_carries_the_official_columns(september: Report) -> None:
    lines = list(csv.reader(io.StringIO("".join(exports.figures_csv(september)).lstrip("\ufeff"))))
    header = lines[1]
    total = dict(zip(header, next(line for line in lines if line[0] == "合计"), strict=True))
    assert total["成功率(%)"] == "57.1" and total["办结成功率(%)"] == "66.7"
    assert (total["上期结转"], total["结转下期(期末在办)"]) == ("1", "1")
    assert (total["书面协议"], total["口头协议"], total["上交"]) == ("3", "1", "1")


# --- Cross-checks ---------------------------------------------------------------------------


def _check_lines(sheet: Worksheet) -> list[str]:
    return [text for text in texts(sheet) if text[:1] in "①②③④⑤⑥⑦⑧⑨"]


def test_the_printed_formulas_hold_for_the_hand_made_cases(september: Report) -> None:
    book = workbook(september)
    for sheet in book.worksheets:
        lines = _check_lines(sheet)
        assert lines, sheet.title
        assert all(line.endswith("——成立") for line in lines), lines
    assert all(check.holds for check in layout.cross_checks(september))


def _figures(sheet: Worksheet, key: str) -> list[Any]:
    """A column's printed figures, the types' rows then 合计."""
    return [
        sheet.cell(row, column_of(key)).value
        for row in range(official.FIRST_DATA_ROW, total_row(sheet) + 1)
    ]


def test_the_printed_formulas_hold_for_the_demo_data(db: None) -> None:
    """The whole demo district over a year, and each committee's own report: every formula
    says it holds, and the printed figures satisfy it when added up here."""
    call_command("seed_demo", stdout=io.StringIO())
    period = figures.parse_period(str(timezone.localdate().year))
    district = District.objects.get()
    communities = list(Community.objects.filter(street__district=district).order_by("code"))
    reports = [figures.compute(communities, period, district.name)]
    busy = MediationCommittee.objects.filter(
        pk__in=Case.objects.filter(accepted_at__year=period.first.year).values("committee")
    )
    for community_level in (True, False):
        committee = busy.filter(community__isnull=not community_level).first()
        assert committee is not None, "the demo has cases of community and street committees"
        places = Community.objects.filter(street=committee.street).order_by("code")
        if committee.community is not None:
            places = places.filter(pk=committee.community.pk)
        reports.append(
            figures.compute(list(places), period, committee.name, committees=[committee])
        )
    for report in reports:
        assert report.total.accepted, "the demo data has cases this year"
        assert [c.text for c in layout.cross_checks(report) if not c.holds] == []
        book = workbook(report)
        for sheet in book.worksheets:
            lines = _check_lines(sheet)
            assert lines and all(line.endswith("——成立") for line in lines), lines
        for sheet in book.worksheets[:-2]:  # the forms, not 矛盾不上交 and 组织队伍情况
            accepted, settled = _figures(sheet, "accepted"), _figures(sheet, "settled")
            for i, n in enumerate(accepted):
                sources = sum(
                    _figures(sheet, key)[i]
                    for key in ("source_parties", "source_initiative", "source_referred")
                )
                assert n == sources  # ①
                assert settled[i] == _figures(sheet, "written")[i] + _figures(sheet, "oral")[i]
                left = _figures(sheet, "carried_in")[i] + n
                right = sum(
                    _figures(sheet, key)[i]
                    for key in ("settled", "failed", "referred", "ended", "still_open")
                )
                assert left == right  # ③
                rate = _figures(sheet, "success_rate")[i]
                assert rate == (round(100 * settled[i] / n, 1) if n else 0.0)  # ⑥
            for column in layout.configured().columns:
                # 排查 is of a grid, not of a dispute type: it stands in the 合计 row only.
                if not column.is_rate and column.band not in layout.NOT_BY_TYPE:
                    values = _figures(sheet, column.key)
                    assert values[-1] == pytest.approx(sum(values[:-1])), column.key  # ⑤
    text = _pdf_text(official.official_pdf(reports[0]))
    assert "不成立" not in text and "成立" in text


def test_a_check_that_fails_says_so() -> None:
    row = Row(name="合计", carried_in=1, accepted=5, settled=3, written=2, oral=0, failed=1)
    row.source_parties, row.still_open = 5, 1
    checks = {check.text[0]: check for check in layout.cross_checks(row)}
    assert checks["①"].holds and checks["⑥"].holds
    assert not checks["②"].holds and "3 = 2 + 0" in checks["②"].text
    assert not checks["③"].holds  # 1 + 5 ≠ 3 + 1 + 0 + 0 + 1
    wrong = Row(name="邻里", accepted=2, source_parties=1)
    unit = figures.Unit(name="委员会", committee_id=0, total=Row(name="合计"), by_type=[wrong])
    failing = [check for check in layout.cross_checks(unit) if not check.holds]
    assert any(check.text.startswith("①") and "不符：邻里" in check.text for check in failing)
    assert any(check.text.startswith("⑤") and "受理" in check.text for check in failing)


def test_a_sheet_prints_a_failing_check_as_failing(september: Report) -> None:
    september.total.written += 1  # a figure that no longer adds up
    lines = _check_lines(workbook(september)["合计"])
    assert any(line.startswith("②") and line.endswith("——不成立") for line in lines)


# --- Configuration and the signature block -------------------------------------------------


def test_no_form_number_is_printed_by_default(september: Report) -> None:
    book = workbook(september)
    assert not any("表号" in text for sheet in book.worksheets for text in texts(sheet))
    assert "制表机关：昆明市盘龙区司法局" in texts(book["合计"])[1:4]


@override_settings(
    CLINIC_OFFICIAL_REPORT={
        "title": "人民调解工作统计表",
        "form_number": "司调统1表",
        "authority": "盘龙区司法局",
        "labels": {"accepted": "受理纠纷数"},
        "columns": ["accepted", "settled", "written", "oral", "success_rate"],
    }
)
def test_a_configured_form_prints_its_title_form_number_labels_and_columns(
    september: Report,
) -> None:
    sheet = workbook(september)["合计"]
    assert sheet.cell(official.TITLE_ROW, 1).value == "人民调解工作统计表"
    assert "制表机关：盘龙区司法局　表号：司调统1表" in texts(sheet)
    labels = [sheet.cell(official.BAND_ROW, c).value for c in range(1, 7)]
    assert labels == ["纠纷类型", "受理纠纷数", "调解结果", "协议形式", None, "成功率"]
    assert sheet.max_column == 6
    lines = _check_lines(sheet)
    assert any(line.startswith("① 受理纠纷数 = 当事人申请") for line in lines)
    assert "表号：司调统1表" in _pdf_text(official.official_pdf(september)).replace(" ", "")


@override_settings(CLINIC_OFFICIAL_REPORT={"columns": ["accepted", "no_such_figure"]})
def test_an_unknown_column_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    with pytest.raises(ImproperlyConfigured, match="no_such_figure"):
        layout.configured()


def test_the_signature_block_names_who_filed_and_reviewed(september: Report) -> None:
    committee = MediationCommittee.objects.get(community__name=JINJIANG)
    filing = ReportFiling(
        committee=committee,
        first=SEPT.first,
        last=SEPT.last,
        label=SEPT.label,
        state="approved",
        filed_by=person("mediator"),
        filed_at=at(2, 10),
        reviewed_by=person("street"),
        reviewed_at=at(3, 10),
    )
    signed = texts(workbook(september, filing=filing)["合计"])
    assert "填报人：张丽萍" in signed and "审核人：孙建国" in signed
    assert "报出日期：2026年10月3日" in signed
    blank = texts(workbook(september)["合计"])
    assert "填报人：＿＿＿＿＿＿" in blank and "报出日期：＿＿＿＿＿＿" in blank


def test_every_source_has_its_official_name() -> None:
    assert set(official.SOURCE_NAMES) == set(Source.values)
    grouped = [code for members in figures.SOURCE_GROUPS.values() for code in members]
    assert sorted(grouped) == sorted(Source.values)


# --- PDF ------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_holds_the_same_forms(september: Report) -> None:
    pdf = official.official_pdf(september)
    pages = [page.extract_text().replace(" ", "") for page in PdfReader(io.BytesIO(pdf)).pages]
    forms = 1 + len(september.units)
    # each form: its table in two page-wide parts and the closing block, then 矛盾不上交
    assert forms + 1 <= len(pages) <= 3 * forms + 2
    text = "".join(pages)
    assert text.count("人民调解案件统计表") >= forms and "矛盾不上交情况表" in text
    assert "填报单位：联盟街道" in text and "纠纷来源" in text and "计量单位" in text
    assert "预防效果" in text and "防止群体性械斗" in text
    assert "不成立" not in text
    for page in pages:
        if "单位负责人" in page:  # never a signature block alone on a page
            assert "校验公式" in page or "近十二个月趋势" in page or "比较" in page, page


def test_the_command_writes_a_committees_own_report(september: Report, tmp_path) -> None:
    committee = MediationCommittee.objects.get(community__name=JINJIANG)
    out = tmp_path / "report.xlsx"
    call_command(
        "export_statistics",
        "--committee",
        committee.name,
        "--period",
        SEPT.label,
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    book = load_workbook(out)
    assert book.sheetnames == [committee.name, "矛盾不上交", "组织队伍情况"]
    sheet = book[committee.name]
    assert sheet.cell(total_row(sheet), column_of("accepted")).value == 5  # its own cases only
    pdf = tmp_path / "report.pdf"
    call_command(
        "export_statistics",
        "--committee",
        committee.name,
        "--period",
        SEPT.label,
        "--format",
        "pdf",
        "-o",
        str(pdf),
        stdout=io.StringIO(),
    )
    assert f"填报单位：{committee.name}" in _pdf_text(pdf.read_bytes()).replace(" ", "")
