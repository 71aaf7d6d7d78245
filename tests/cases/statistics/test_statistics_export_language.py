"""The statistics files are filed upward in Chinese: whatever language the person reads the
page in, the spreadsheet, the CSV, the PDF and the command's files are in Chinese."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.choices import DisputeType
from clinic.models import District
from tests.conftest import client_for

#: A Latin word: the files carry none (names, numbers, %, 元 and 万元 only).
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
YEAR = str(timezone.localdate().year)


def _sheet_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(value for value in row if isinstance(value, str))
    return "\n".join(cells)


def _in_english(username: str) -> Client:
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_files_of_the_page_are_in_chinese_when_the_page_is_in_english(demo: None) -> None:
    client = _in_english("admin")
    query = f"?period={YEAR}"
    page = client.get(reverse("cases:statistics_page") + query)
    assert "Statistics" in page.content.decode()  # the page itself follows the person
    with translation.override("zh-hans"):
        neighbour = str(DisputeType.NEIGHBOUR.label)
    sheet = _sheet_text(
        client.get(reverse("cases:statistics_export", args=["xlsx"]) + query).content
    )
    assert neighbour in sheet and "人民调解案件统计表" in sheet and "矛盾不上交" in sheet
    assert not LATIN_WORD.findall(sheet)
    response = client.get(reverse("cases:statistics_export", args=["csv"]) + query)
    csv_text = response.getvalue().decode("utf-8-sig")
    assert not LATIN_WORD.findall(csv_text)
    pdf = client.get(reverse("cases:statistics_export", args=["pdf"]) + query).content
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "人民调解案件统计表" in pdf_text.replace(" ", "")
    assert not LATIN_WORD.findall(pdf_text), LATIN_WORD.findall(pdf_text)


def test_the_command_writes_chinese_sheets_whatever_language_is_active(
    demo: None, tmp_path: Path
) -> None:
    out = tmp_path / "figures.xlsx"
    district = District.objects.get().name
    with translation.override("en"):
        call_command(
            "export_statistics",
            "--district",
            district,
            "--period",
            YEAR,
            "--format",
            "xlsx",
            "-o",
            str(out),
            stdout=io.StringIO(),
        )
        assert translation.get_language() == "en"  # the command left the language alone
    sheet = _sheet_text(out.read_bytes())
    assert "人民调解案件统计表" in sheet
    assert not LATIN_WORD.findall(sheet), LATIN_WORD.findall(sheet)
