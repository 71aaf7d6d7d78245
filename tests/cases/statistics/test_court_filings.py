"""万人成讼率's figures: the court's file imported (CSV in UTF-8 or GBK, XLSX), all or nothing;
a month typed in, two people at once; who may; the sums the report reads; the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from cases.management.commands.seed_demo_cases import Command
from cases.models import CourtFilingCount
from cases.statistics import court, figures, litigation
from clinic.choices import AuditEvent
from clinic.lib.versions import Stale
from clinic.models import AuditEntry, Community, District, Street
from tests.conftest import client_for as signed_in
from tests.conftest import person
from tests.races import REPEATS, of_type, race

#: The figures come in after the month: "today" is in November 2026.
TODAY = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PAGE = "cases:court_filings"


@pytest.fixture(autouse=True)
def _november(demo: None) -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False), translation.override("en"):
        yield


def client_for(username: str) -> Client:
    """A demo user's client, the pages in English (the messages are checked word for word;
    Chinese is the default)."""
    client = signed_in(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(content: bytes, name: str = "court.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    """The rows as Excel saves a CSV (a cell holding a comma in quotes)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def post_file(client: Client, content: bytes, name: str = "court.csv", **data: Any) -> Any:
    return client.post(
        reverse("cases:import_court_filings"), {"file": upload(content, name), **data}
    )


def stored() -> dict[tuple[str, str], int]:
    return {
        (r.community.name, f"{r.month:%Y-%m}"): r.civil_first_instance
        for r in CourtFilingCount.objects.select_related("community")
    }


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def community(name: str) -> Community:
    return Community.objects.get(name=name)


def typed(name: str, month: date, figure: int, *, by: str = "street") -> CourtFilingCount:
    court.do_save_court_filings(month, [court.Typed(community(name), figure, 0)], actor=person(by))
    return CourtFilingCount.objects.get(community__name=name, month=month)


# --- importing --------------------------------------------------------------------------------


def test_a_utf8_csv_with_its_bom_is_imported_and_summed_up() -> None:
    content = csv_bytes(
        [
            ["社区", "月份", "民事一审收案"],
            ["金江路社区", "2026-09", "14"],
            ["530103004002", "2026年9月", "9"],  # 白龙路社区 by its division code
            ["北辰", "2026/10", "0"],  # without 社区
            ["联盟街道穿金路社区", "2026.10", "1,203"],
        ]
    )
    assert content.startswith(b"\xef\xbb\xbf")
    response = post_file(client_for("street"), content, "盘龙法院 9-10月.csv")
    assert response.status_code == 302
    assert stored() == {
        ("金江路社区", "2026-09"): 14,
        ("白龙路社区", "2026-09"): 9,
        ("北辰社区", "2026-10"): 0,
        ("穿金路社区", "2026-10"): 1203,
    }
    record = CourtFilingCount.objects.get(community__name="金江路社区")
    assert (record.source, record.file_name, record.entered_by.username) == (
        "imported",
        "盘龙法院 9-10月.csv",
        "street",
    )
    summary = said(response)[0]
    assert "2026-09 – 2026-10" in summary
    assert "4 communities" in summary and "4 figures added" in summary


def test_a_gbk_csv_from_excel_with_a_title_and_a_total_row_is_imported() -> None:
    content = csv_bytes(
        [
            ["盘龙区人民法院 民事一审收案统计", "", ""],
            ["", "", ""],
            ["序号", "社区名称", "统计月份", "民事一审收案（件）"][1:],
            ["金江路社区居委会", "2026年8月", "17件"],
            ["白龙路社区", "2026年8月", "6"],
            ["合计", "", "23"],
        ],
        encoding="gbk",
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    response = post_file(client_for("admin"), content)
    assert response.status_code == 302
    assert stored() == {("金江路社区", "2026-08"): 17, ("白龙路社区", "2026-08"): 6}
    assert "The file's total rows (合计) were passed over." in said(response)


def test_an_xlsx_workbook_is_imported_with_dates_and_numbers_as_excel_keeps_them() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["community", "month", "filings"])
    # a code typed as a number, a month as a date (a spreadsheet's dates have no time zone)
    sheet.append([530103004001, datetime(2026, 7, 1), 12])  # noqa: DTZ001
    sheet.append(["金色社区", "2026-07", 8.0])
    sheet.append(["北辰社区", "2026-07", "=1+1"])  # a formula: only a saved value is read
    out = io.BytesIO()
    book.save(out)
    response = post_file(client_for("admin"), out.getvalue(), "court.xlsx")
    assert response.status_code == 400  # the formula was never worked out: no value
    assert CourtFilingCount.objects.count() == 0
    problems = response.context["refused"].problems
    assert [(p.row, p.message) for p in problems] == [(4, "the number of filings is missing")]
    sheet.delete_rows(4)
    out = io.BytesIO()
    book.save(out)
    response = post_file(client_for("admin"), out.getvalue(), "court.xlsx")
    assert response.status_code == 302
    assert stored() == {("金江路社区", "2026-07"): 12, ("金色社区", "2026-07"): 8}


def test_one_bad_row_and_nothing_is_saved_and_every_bad_row_is_said() -> None:
    typed("金江路社区", date(2026, 9, 1), 5)
    content = csv_bytes(
        [
            ["社区", "月份", "民事一审收案"],
            ["金江路社区", "2026-09", "50"],  # would correct the 5
            ["白龙路社区", "2026-09", "-3"],
            ["幸福社区", "2026-09", "4"],
            ["北辰社区", "九月", "4"],
            ["北辰社区", "2026-12", "4"],
            ["穿金路社区", "2026-09", "3.5"],
            ["金江路社区", "2026-09", "51"],
            ["穿金路社区", "2026-10", ""],
        ]
    )
    response = post_file(client_for("street"), content)
    assert response.status_code == 400
    assert stored() == {("金江路社区", "2026-09"): 5}
    problems = [(p.row, p.message) for p in response.context["refused"].problems]
    assert problems == [
        (3, "the filings -3 are below zero"),
        (4, "there is no community 幸福社区"),
        (5, "the month 九月 is not a month (write it as 2026-09 or 2026年9月)"),
        (6, "the month 2026-12 has not come yet"),
        (7, "the filings 3.5 are not a whole number"),
        (8, "金江路社区 2026-09 is already on row 2"),
        (9, "the number of filings is missing"),
    ]
    page = response.content.decode()
    assert "Row 3" in page and "nothing of it was saved" in page
    assert not AuditEntry.objects.filter(event=AuditEvent.COURT_IMPORTED).exists()


def test_a_file_of_another_districts_communities_is_refused() -> None:
    wuhua = District.objects.create(name="五华区", city="昆明市", code="530102")
    street = Street.objects.create(district=wuhua, name="华山街道", code="530102001")
    Community.objects.create(street=street, name="翠湖社区", code="530102001001")
    content = csv_bytes([["社区", "月份", "民事一审收案"], ["翠湖社区", "2026-09", "3"]])
    response = post_file(client_for("admin"), content)
    assert response.status_code == 400
    assert [p.message for p in response.context["refused"].problems] == [
        "翠湖社区 is in 五华区, not in this district"
    ]
    assert CourtFilingCount.objects.count() == 0


def test_a_street_officer_imports_only_their_streets_communities() -> None:
    content = csv_bytes([["社区", "月份", "民事一审收案"], ["金色社区", "2026-09", "3"]])
    response = post_file(client_for("street"), content)
    assert response.status_code == 400
    assert [p.message for p in response.context["refused"].problems] == [
        "金色社区 is in 东华街道, not in your street"
    ]
    assert post_file(client_for("street_donghua"), content).status_code == 302


@pytest.mark.parametrize(
    ("content", "name", "why"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (b"\n \n", "blank.csv", "The file is empty."),
        ("社区,月份,民事一审收案\n".encode(), "header.csv", "The file holds no figures."),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", "Old Excel files (.xls)"),
        (b"PK\x03\x04broken", "broken.xlsx", "The file is damaged"),
        ("名字,数量\n金江路社区,3\n".encode(), "other.csv", "No header found"),
        ("社区,民事一审收案\n金江路社区,3\n".encode(), "half.csv", "the header has no column 月份"),
        ("社区,月份,民事一审收案\n金江路社区,2026-09,=1+1\n".encode(), "f.csv", "=1+1 are not"),
        (b"a" * (court.MAX_BYTES + 1), "big.csv", "larger than 2 MB"),
    ],
)
def test_a_file_that_is_not_the_courts_table_is_refused_whole(
    content: bytes, name: str, why: str
) -> None:
    response = post_file(client_for("admin"), content, name)
    assert response.status_code == 400
    assert why in response.content.decode()
    assert CourtFilingCount.objects.count() == 0


def test_an_import_corrects_a_figure_and_the_audit_log_has_the_old_and_the_new() -> None:
    before = typed("金江路社区", date(2026, 9, 1), 5)
    content = csv_bytes(
        [
            ["社区", "月份", "民事一审收案"],
            ["金江路社区", "2026-09", "7"],
            ["白龙路社区", "2026-09", "2"],
        ]
    )
    response = post_file(client_for("admin"), content, "九月.csv")
    assert response.status_code == 302
    after = CourtFilingCount.objects.get(pk=before.pk)
    assert (after.civil_first_instance, after.source, after.entered_by.username) == (
        7,
        "imported",
        "admin",
    )
    assert after.row_version == before.row_version + 1  # a month's page opened before is stale
    entry = AuditEntry.objects.get(event=AuditEvent.COURT_IMPORTED)
    assert entry.user == person("admin")
    assert entry.detail["file"] == "九月.csv"
    assert entry.detail["changed"] == [
        {"community": "金江路社区", "month": "2026-09", "old": 5, "new": 7}
    ]
    assert entry.detail["created"] == [{"community": "白龙路社区", "month": "2026-09", "new": 2}]
    assert "金江路社区 2026-09: 5 → 7" in " ".join(said(response))
    # the same file again changes nothing
    assert post_file(client_for("admin"), content, "九月.csv").status_code == 302
    assert CourtFilingCount.objects.get(pk=before.pk).row_version == after.row_version
    assert (
        AuditEntry.objects.filter(event=AuditEvent.COURT_IMPORTED).latest("pk").detail["unchanged"]
        == 2
    )


def test_the_template_is_filled_in_and_imported() -> None:
    client = client_for("street")
    response = client.get(reverse("cases:court_filings_template"), {"month": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff社区,月份,民事一审收案\r\n")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[1:] == [
        "金江路社区,2026-10,",
        "白龙路社区,2026-10,",
        "北辰社区,2026-10,",
        "穿金路社区,2026-10,",
    ]
    filled = "\r\n".join([lines[0]] + [f"{line}{i}" for i, line in enumerate(lines[1:], 1)])
    assert post_file(client, filled.encode("utf-8-sig")).status_code == 302
    assert sorted(stored().values()) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("value", "month"),
    [
        ("2026-09", date(2026, 9, 1)),
        ("2026-9", date(2026, 9, 1)),
        ("2026/9", date(2026, 9, 1)),
        ("2026年9月", date(2026, 9, 1)),
        ("２０２６年９月", date(2026, 9, 1)),
        ("202609", date(2026, 9, 1)),
        ("2026/9/1 0:00:00", date(2026, 9, 1)),
        (datetime(2026, 9, 30), date(2026, 9, 1)),  # noqa: DTZ001  as a spreadsheet has it
        ("2026-11", date(2026, 11, 1)),
        ("2026-12", None),
        ("2026-13", None),
        ("1999-12", None),
        ("9月", None),
    ],
)
def test_the_months_a_court_writes(value: Any, month: date | None) -> None:
    assert court.parse_month(value)[0] == month


# --- typing a month in ------------------------------------------------------------------------


def month_page(client: Client, month: str = "2026-09", **query: str) -> Any:
    return client.get(reverse(PAGE), {"month": month, **query})


def grid_post(response: Any, **figures: int | str) -> dict[str, Any]:
    """The month's form as the page showed it, with ``figures`` typed (by community name)."""
    form = response.context["figures"]
    data: dict[str, Any] = {"month": f"{response.context['month']:%Y-%m}"}
    data["scope"] = response.context["scope"]
    for c in form.communities:
        data[f"v_{c.pk}"] = form[f"v_{c.pk}"].value()
        value = form[f"f_{c.pk}"].value()
        data[f"f_{c.pk}"] = "" if value is None else value
        if c.name in figures:
            data[f"f_{c.pk}"] = figures[c.name]
    return data


def test_a_street_officer_types_a_month_in() -> None:
    client = client_for("street")
    page = month_page(client)
    assert page.status_code == 200
    assert [c.name for c in page.context["figures"].communities] == [
        "金江路社区",
        "白龙路社区",
        "北辰社区",
        "穿金路社区",
    ]
    response = client.post(
        reverse("cases:save_court_filings"), grid_post(page, 金江路社区=23, 北辰社区=0)
    )
    assert response.status_code == 302
    assert stored() == {("金江路社区", "2026-09"): 23, ("北辰社区", "2026-09"): 0}
    assert said(response) == ["2026-09 saved: 2 figures added, 0 corrected."]
    record = CourtFilingCount.objects.get(community__name="金江路社区")
    assert (record.source, record.entered_by.username) == ("typed", "street")
    entry = AuditEntry.objects.get(event=AuditEvent.COURT_ENTERED)
    assert entry.detail["month"] == "2026-09"
    assert {c["community"]: c["new"] for c in entry.detail["created"]} == {
        "金江路社区": 23,
        "北辰社区": 0,
    }
    again = month_page(client)
    page_text = again.content.decode()
    assert "10.0 per 10,000 this month" in page_text  # 23 ÷ 23,000 residents × 10,000
    assert [r.civil_first_instance for r in again.context["entered"]] == [23, 0]


def test_a_correction_typed_in_is_audited_with_the_old_and_the_new() -> None:
    typed("金江路社区", date(2026, 9, 1), 23)
    client = client_for("admin")
    page = month_page(client)
    response = client.post(reverse("cases:save_court_filings"), grid_post(page, 金江路社区=25))
    assert response.status_code == 302
    assert stored() == {("金江路社区", "2026-09"): 25}
    entry = AuditEntry.objects.filter(event=AuditEvent.COURT_ENTERED).latest("pk")
    assert entry.user == person("admin")
    assert entry.detail["changed"] == [
        {"community": "金江路社区", "month": "2026-09", "old": 23, "new": 25}
    ]


def test_a_figure_entered_is_not_emptied() -> None:
    typed("金江路社区", date(2026, 9, 1), 23)
    client = client_for("street")
    page = month_page(client)
    response = client.post(reverse("cases:save_court_filings"), grid_post(page, 金江路社区=""))
    assert response.status_code == 400
    assert "A figure entered is not emptied" in response.content.decode()
    assert stored() == {("金江路社区", "2026-09"): 23}


@pytest.mark.parametrize(
    ("field", "value"), [("f", "-1"), ("f", "abc"), ("f", "100001"), ("month", "2026-12")]
)
def test_wrong_input_is_answered_400_with_the_form(field: str, value: str) -> None:
    client = client_for("street")
    page = month_page(client)
    data = grid_post(page)
    if field == "month":
        data["month"] = value
    else:
        data[f"f_{community('金江路社区').pk}"] = value
    response = client.post(reverse("cases:save_court_filings"), data)
    assert response.status_code == 400
    assert "<form" in response.content.decode()
    assert CourtFilingCount.objects.count() == 0


def test_two_people_typing_the_same_month_one_wins_the_other_is_told() -> None:
    street, admin = client_for("street"), client_for("admin")
    first, second = month_page(street), month_page(admin)
    assert (
        street.post(reverse("cases:save_court_filings"), grid_post(first, 金江路社区=23))
    ).status_code == 302
    late = admin.post(
        reverse("cases:save_court_filings"), grid_post(second, 金江路社区=32, 白龙路社区=4)
    )
    assert late.status_code == 409
    assert stored() == {("金江路社区", "2026-09"): 23}  # nothing of the second saved
    text = late.content.decode()
    assert 'value="32"' in text  # what they typed stays
    assert [(c.label, c.value) for c in late.context["figures"].conflict] == [
        ("金江路社区", "23 (entered by 孙建国)")
    ]
    # sent again, having read it: it replaces the figure knowingly
    again = admin.post(
        reverse("cases:save_court_filings"), grid_post(late, 金江路社区=32, 白龙路社区=4)
    )
    assert again.status_code == 302
    assert stored() == {("金江路社区", "2026-09"): 32, ("白龙路社区", "2026-09"): 4}


def test_the_same_figure_typed_by_two_people_is_no_conflict() -> None:
    street, admin = client_for("street"), client_for("admin")
    first, second = month_page(street), month_page(admin)
    street.post(reverse("cases:save_court_filings"), grid_post(first, 金江路社区=23))
    response = admin.post(reverse("cases:save_court_filings"), grid_post(second, 金江路社区=23))
    assert response.status_code == 302
    assert said(response) == ["Nothing changed."]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_a_month_have_one_winner() -> None:
    jinjiang = community("金江路社区")
    actor = person("street")
    for round_ in range(REPEATS // 5):
        month = date(2016 + round_ // 12, round_ % 12 + 1, 1)

        def save(i: int, month: date = month) -> Any:
            return court.do_save_court_filings(
                month, [court.Typed(jinjiang, 10 + i, 0)], actor=actor
            )

        results = race(save)
        assert len(of_type(results, court.Saved)) == 1, (round_, results)
        assert len(of_type(results, Stale)) == len(results) - 1, (round_, results)
        assert CourtFilingCount.objects.filter(month=month).count() == 1


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "mediator", "judge", "lawyer", "gridworker"])
def test_only_the_district_admin_and_street_officers_enter_court_figures(role: str) -> None:
    client = client_for(role)
    assert month_page(client).status_code == 403
    assert client.get(reverse("cases:court_filings_template")).status_code == 403
    content = csv_bytes([["社区", "月份", "民事一审收案"], ["金江路社区", "2026-09", "3"]])
    assert post_file(client, content).status_code == 403
    data = {"month": "2026-09", f"f_{community('金江路社区').pk}": "3"}
    assert client.post(reverse("cases:save_court_filings"), data).status_code == 403
    assert CourtFilingCount.objects.count() == 0


def test_a_street_officer_sees_and_types_only_their_street() -> None:
    client = client_for("street")
    other = Street.objects.get(name="东华街道")
    assert month_page(client, scope=f"street:{other.pk}").status_code == 404
    page = month_page(client)
    data = grid_post(page) | {f"f_{community('金色社区').pk}": "9"}  # not on their page
    assert client.post(reverse("cases:save_court_filings"), data).status_code == 302
    assert CourtFilingCount.objects.count() == 0


def test_the_district_admin_types_a_street_or_the_whole_district() -> None:
    client = client_for("admin")
    whole = month_page(client)
    assert len(whole.context["figures"].communities) == Community.objects.count()
    donghua = Street.objects.get(name="东华街道")
    one = month_page(client, scope=f"street:{donghua.pk}")
    assert {c.street_id for c in one.context["figures"].communities} == {donghua.pk}


def test_a_community_without_residents_is_pointed_out_with_where_to_enter_them() -> None:
    Community.objects.filter(name="北辰社区").update(population=None)
    page = month_page(client_for("admin")).content.decode()
    beichen = community("北辰社区")
    assert reverse("admin:clinic_community_change", args=[beichen.pk]) in page
    street_page = month_page(client_for("street"))
    assert [c.name for c in street_page.context["no_population"]] == ["北辰社区"]
    assert "admin/" not in street_page.content.decode().split("Residents not entered")[1]


# --- the sums the report reads ----------------------------------------------------------------


@pytest.fixture
def a_year() -> dict[str, int]:
    """金江路社区: 2025-01 … 2025-12 with 1 … 12 filings; 白龙路社区: 10 every month."""
    jinjiang, bailong = community("金江路社区"), community("白龙路社区")
    for month in range(1, 13):
        court.do_save_court_filings(
            date(2025, month, 1),
            [court.Typed(jinjiang, month, 0), court.Typed(bailong, 10, 0)],
            actor=person("admin"),
        )
    return {"jinjiang": jinjiang.pk, "bailong": bailong.pk}


def test_a_month_a_quarter_and_a_year_sum_their_months(a_year: dict[str, int]) -> None:
    ids = list(a_year.values())
    jj, bl = a_year["jinjiang"], a_year["bailong"]
    assert litigation.civil_filings(ids, figures.parse_period("2025-09")) == {jj: 9, bl: 10}
    assert litigation.civil_filings(ids, figures.parse_period("2025-Q3")) == {jj: 24, bl: 30}
    assert litigation.civil_filings(ids, figures.parse_period("2025")) == {jj: 78, bl: 120}
    # the months a period overlaps count whole: 15 September – 10 October is both months
    partial = figures.Period(date(2025, 9, 15), date(2025, 10, 10), "x")
    assert litigation.civil_filings(ids, partial) == {jj: 19, bl: 20}
    # no figure is not none filed: a community without any is left out
    assert litigation.civil_filings(ids, figures.parse_period("2026-Q1")) == {}
    assert litigation.civil_filings([jj], figures.parse_period("2025")) == {jj: 78}


def test_the_monthly_figures_and_the_months_entered(a_year: dict[str, int]) -> None:
    ids = list(a_year.values())
    monthly = litigation.monthly_civil_filings(ids, date(2025, 10, 1), date(2026, 1, 31))
    assert monthly == {(2025, 10): 20, (2025, 11): 21, (2025, 12): 22}
    year = figures.parse_period("2025")
    CourtFilingCount.objects.filter(community_id=a_year["bailong"], month__month=5).delete()
    assert litigation.months_entered(ids, year) == {a_year["jinjiang"]: 12, a_year["bailong"]: 11}
    assert len(litigation.months_between(year.first, year.last)) == 12


def test_the_rate_of_a_row_is_filings_per_10000_residents_for_the_period(
    a_year: dict[str, int],
) -> None:
    row = figures.Row(name="金江路社区")
    row.population = community("金江路社区").population  # 23,000
    row.civil_filings = litigation.civil_filings(
        [a_year["jinjiang"]], figures.parse_period("2025")
    )[a_year["jinjiang"]]
    assert row.litigation_rate == round(10000 * 78 / 23000, 2)


def test_the_month_page_reads_the_same_number_of_queries_however_much_is_entered() -> None:
    """Queries: the session, the person, their roles, the communities, the month's figures,
    the year's figures (with who entered them); however many communities and months."""
    client = client_for("admin")
    month_page(client)  # the caches warm

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert month_page(client).status_code == 200
        return len(queries)

    few = counted()
    admin = person("admin")
    for month in range(1, 10):
        court.do_save_court_filings(
            date(2026, month, 1),
            [court.Typed(c, month, 0) for c in Community.objects.all()],
            actor=admin,
        )
    assert counted() == few


def test_the_demo_has_a_year_of_court_figures_so_the_rate_shows() -> None:
    Command()._court_filings()
    communities = list(Community.objects.all())
    year = figures.Period(date(2025, 11, 1), date(2026, 10, 31), "12 months")
    filings = litigation.civil_filings(communities, year)
    assert litigation.months_entered(communities, year) == {c.pk: 12 for c in communities}
    for c in communities:
        assert c.population
        assert 40 <= 10000 * filings[c.pk] / c.population <= 200, c.name  # a year, per 10,000
    entry = AuditEntry.objects.get(event=AuditEvent.COURT_IMPORTED)
    assert entry.detail["file"] == "盘龙区人民法院-民事一审收案.csv"
    Command()._court_filings()  # a second run adds nothing
    assert CourtFilingCount.objects.count() == 12 * len(communities)
