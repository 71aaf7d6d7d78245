"""Statistics: hand-counted figures on the page and in every export; properties over random
case sets; scopes; a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.models import Case, DisputeSubtype, StatisticsFiling
from cases.statistics import exports, figures
from clinic.models import AuditEntry, Community, District, Street, User
from tests.cases.factories import in_state
from tests.conftest import client_for

SEPT = "2026-09"


def at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


def make_case(
    community: str,
    *,
    accepted: datetime | None = None,
    outcome: str = "",
    level: str = "community",
    settled: datetime | None = None,
    closed: datetime | None = None,
    kind: str = "dispute",
    dispute_type: str = "neighbour",
    source: str = "walk_in",
    amount_agreed: int | None = None,
    criminal: int = 0,
) -> Case:
    """A case as it stands after its history, written straight to the table: the statistics
    read only these columns."""
    place = Community.objects.get(name=community)
    state = (
        "closed"
        if closed
        else ("follow_up" if settled else ("sit_in" if accepted else "registered"))
    )
    return Case.objects.create(
        state=state,
        kind=kind,
        committee=place.committee,
        community=place,
        street=place.street,
        registered_by=User.objects.get(username="mediator"),
        registered_at=(accepted or closed or at(1)) - timedelta(days=1),
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
        mediation_due=(accepted + timedelta(days=30)).date() if accepted else None,
    )


@pytest.fixture
def september(demo: None) -> None:
    """Hand-counted September 2026 in 联盟街道.

    金江路社区: accepted 4 (one of them in August is not counted); settled at community 2
    (one with 8000 yuan agreed, one 2000), settled at street 1, failed 1, withdrawn 1,
    declined 1, advice 2. 北辰社区: accepted 1, referred out 1, settled at community 1.
    Concluded: 金江路 4 (2+1+1), 北辰 2; street total 6: community 3 = 50 %, street 1 =
    16.7 %, not local 2 = 33.3 %.
    """
    j, b = "金江路社区", "北辰社区"
    make_case(j, accepted=at(2), outcome="settled_written", settled=at(12), amount_agreed=8000)
    make_case(
        j,
        accepted=at(3),
        outcome="settled_oral",
        settled=at(20),
        amount_agreed=2000,
        dispute_type="labour",
        source="grid_referral",
        criminal=3,
    )
    make_case(j, accepted=at(5), outcome="settled_written", level="street", settled=at(25))
    make_case(j, accepted=at(6), outcome="failed", closed=at(28))
    make_case(j, accepted=at(20, 8), outcome="withdrawn", closed=at(4))
    make_case(j, outcome="declined_scope", closed=at(7))
    make_case(j, kind="advice", outcome="answered", closed=at(8))
    make_case(j, kind="advice", outcome="answered", closed=at(9))
    make_case(b, accepted=at(10), outcome="referred_out", level="referred_out", closed=at(15))
    make_case(b, accepted=at(10, 8), outcome="settled_written", settled=at(1))
    make_case(j, accepted=at(1, 10), outcome="settled_written", settled=at(2, 10))  # October


def _query(scope: str = "") -> str:
    street = Street.objects.get(name="联盟街道")
    return f"?scope={scope or f'street:{street.pk}'}&period={SEPT}"


def test_the_page_shows_the_hand_counted_figures(september: None) -> None:
    response = client_for("street").get(reverse("cases:statistics_page") + _query())
    report = response.context["report"]
    rows = {row.name: row for row in report.rows}
    jinjiang, beichen, total = rows["金江路社区"], rows["北辰社区"], report.total
    assert (jinjiang.accepted, jinjiang.advice, jinjiang.settled, jinjiang.failed) == (4, 2, 3, 1)
    # declined before acceptance: in no column of the balance (上期结转 + 受理 = …)
    assert (jinjiang.withdrawn, jinjiang.declined, jinjiang.referred) == (1, 0, 0)
    assert (beichen.accepted, beichen.settled, beichen.referred) == (1, 1, 1)
    assert (total.concluded, total.settled_community, total.settled_street) == (6, 3, 1)
    assert (total.community_share, total.street_share, total.not_local_share) == (50.0, 16.7, 33.3)
    assert total.concluded_success_rate == 66.7  # 4 of 6 concluded
    assert total.success_rate == 80.0  # 4 settled of 5 accepted (the official 成功率)
    assert total.amount_agreed == Decimal(10000)
    assert total.criminal_cases == 1 and total.criminal_persons == 3
    page = response.content.decode()
    assert "50.0%" in page and "16.7%" in page and "33.3%" in page
    assert AuditEntry.objects.filter(event="export").count() == 0


def test_days_to_settlement_types_and_sources_are_the_hand_counted_ones(september: None) -> None:
    """Settled in September: 金江路 after 10, 17 and 20 days, 北辰 after 22 (accepted in
    August). 邻里: accepted 4, settled 3 (one accepted in August), failed and referred out 2;
    劳动争议: accepted 1 from a grid referral, settled 1."""
    report = client_for("street").get(reverse("cases:statistics_page") + _query()).context["report"]
    rows = {row.name: row for row in report.rows}
    assert (rows["金江路社区"].avg_days, rows["金江路社区"].median_days) == (15.7, 17.0)
    assert (rows["北辰社区"].avg_days, rows["北辰社区"].median_days) == (22.0, 22.0)
    assert (report.total.avg_days, report.total.median_days) == (17.2, 18.5)
    types = {row["code"]: row for row in report.by_type}
    neighbour, labour = types["neighbour"], types["labour"]
    assert (neighbour["accepted"], neighbour["settled"], neighbour["unsettled"]) == (4, 3, 2)
    assert neighbour.success_rate == 75.0  # 3 settled ÷ 4 accepted (the official 成功率)
    assert neighbour.concluded_success_rate == 60.0  # 3 ÷ (3 + 2)
    assert neighbour["amount_agreed"] == Decimal(8000)
    assert (neighbour["source_parties"], neighbour["source_initiative"]) == (4, 0)
    assert (labour["accepted"], labour["settled"], labour["rate"]) == (1, 1, 100.0)
    assert (labour["source_initiative"], labour["criminal_persons"]) == (1, 3)
    assert sum(row["accepted"] for row in report.by_type) == report.total.accepted
    sources = {code: n for code, _label, n in report.by_source}
    assert (sources["walk_in"], sources["grid_referral"], sum(sources.values())) == (4, 1, 5)


def test_a_dispute_settled_the_day_it_was_accepted_counts_zero_days_not_none(demo: None) -> None:
    """Walk-in disputes are often settled on the spot: 0.0 days is a figure, "—" means none."""
    march = datetime(2020, 3, 5, 10, tzinfo=timezone.get_current_timezone())
    make_case("金江路社区", accepted=march, outcome="settled_oral", settled=march)
    street = Street.objects.get(name="联盟街道")
    query = f"?scope=street:{street.pk}&period=2020-03"
    response = client_for("street").get(reverse("cases:statistics_page") + query)
    assert (
        response.context["report"].total.avg_days,
        response.context["report"].total.median_days,
    ) == (0.0, 0.0)
    assert "0.0 / 0.0" in response.content.decode()
    empty = client_for("street").get(reverse("cases:statistics_page") + query.replace("03", "04"))
    assert "— / —" in empty.content.decode()


def test_csv_and_xlsx_carry_the_same_figures(september: None) -> None:
    from cases.statistics import layout  # noqa: PLC0415  the official form's columns
    from cases.statistics.official import FIRST_DATA_ROW  # noqa: PLC0415  the same

    client = client_for("street")
    response = client.get(reverse("cases:statistics_export", args=["csv"]) + _query())
    assert response.streaming
    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    header = lines[1]
    total = next(line for line in lines if line[0] == "合计")
    figures = dict(zip(header, total, strict=True))
    assert figures["受理纠纷"] == "5" and figures["调解成功"] == "4"
    assert figures["成功率(%)"] == "80.0" and figures["办结成功率(%)"] == "66.7"
    assert figures["社区化解占比(%)"] == "50.0" and figures["未在本地化解占比(%)"] == "33.3"
    response = client.get(reverse("cases:statistics_export", args=["xlsx"]) + _query())
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "合计" and book.sheetnames[-2:] == ["矛盾不上交", "组织队伍情况"]
    official, local = book["合计"], book["矛盾不上交"]
    keys = [column.key for column in layout.configured().columns]

    def figure(row: int, key: str) -> object:
        return official.cell(row, keys.index(key) + 2).value

    types = [official.cell(FIRST_DATA_ROW + n, 1).value for n in range(16)]
    assert types == [
        "婚姻家庭",
        "邻里",
        "房屋宅基地",
        "合同",
        "生产经营",
        "损害赔偿",
        "山林土地",
        "征地拆迁",
        "环境污染",
        "劳动争议",
        "消费",
        "医疗",
        "道路交通事故",
        "物业",
        "其他",
        "合计",
    ]
    total_row = FIRST_DATA_ROW + 15
    assert (figure(total_row, "accepted"), figure(total_row, "settled")) == (5, 4)
    assert figure(total_row, "success_rate") == 80.0  # 调解成功 ÷ 受理
    assert figure(total_row, "amount_agreed") == 1.0  # 10,000 yuan = 1.0 万元
    labour = FIRST_DATA_ROW + types.index("劳动争议")
    assert (figure(labour, "accepted"), figure(labour, "source_initiative")) == (1, 1)
    assert (figure(labour, "criminal_cases"), figure(labour, "criminal_persons")) == (1, 3)
    local_rows = {r[0]: r for r in local.iter_rows(values_only=True)}
    assert local_rows["合计"][1] == 6 and local_rows["合计"][3] == 50.0
    assert AuditEntry.objects.filter(event="export").count() == 2


def test_the_pdf_holds_the_official_forms_and_draws_the_charts(september: None) -> None:
    response = client_for("street").get(reverse("cases:statistics_export", args=["pdf"]) + _query())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())
    assert "人民调解案件统计表" in flat and "矛盾不上交情况表" in flat
    assert "社区化解50%" in flat  # the chart's legend


def test_a_coordinator_cannot_get_another_communitys_figures(september: None) -> None:
    other = Community.objects.get(name="北辰社区")
    client = client_for("coordinator")
    assert (
        client.get(reverse("cases:statistics_page") + f"?scope=community:{other.pk}").status_code
        == 404
    )
    url = reverse("cases:statistics_export", args=["xlsx"]) + f"?scope=community:{other.pk}"
    assert client.get(url).status_code == 404
    own = Community.objects.get(name="金江路社区")
    page = client.get(reverse("cases:statistics_page") + f"?scope=community:{own.pk}&period={SEPT}")
    assert page.status_code == 200 and len(page.context["report"].rows) == 1


def test_a_street_officer_cannot_get_another_streets_figures(september: None) -> None:
    donghua = Street.objects.get(name="东华街道")
    assert (
        client_for("street")
        .get(reverse("cases:statistics_page") + f"?scope=street:{donghua.pk}")
        .status_code
        == 404
    )
    assert client_for("gridworker").get(reverse("cases:statistics_page")).status_code == 403


def test_the_command_refuses_a_user_outside_the_scope(september: None, tmp_path) -> None:
    out = tmp_path / "s.xlsx"
    with pytest.raises(CommandError):
        call_command(
            "export_statistics",
            "--street",
            "联盟街道",
            "--period",
            SEPT,
            "-o",
            str(out),
            "--as-user",
            "street_donghua",
            stdout=io.StringIO(),
        )
    call_command(
        "export_statistics",
        "--street",
        "联盟街道",
        "--period",
        "2026-Q3",
        "-o",
        str(out),
        "--as-user",
        "street",
        stdout=io.StringIO(),
    )
    first = load_workbook(out).worksheets[0]
    assert first.title == "合计" and first.cell(22, 1).value == "合计"  # 4 header rows, 15 types


def test_a_street_filing_made_before_stays_shown_with_the_changes_since(september: None) -> None:
    """Streets filed a handful of figures before committees filed their own reports
    (``StatisticsFiling``): kept read-only, with the changes since as corrections. (The
    committee reports' workflow: tests/cases/statistics/test_filing.py.)"""
    client = client_for("street")
    report = client.get(reverse("cases:statistics_page") + _query()).context["report"]

    def filed(row: figures.Row) -> dict[str, object]:
        counts = {key: getattr(row, key) for key in ("accepted", "settled", "failed", "still_open")}
        return {**counts, "amount_agreed": str(row.amount_agreed)}

    StatisticsFiling.objects.create(
        street=Street.objects.get(name="联盟街道"),
        first=report.period.first,
        last=report.period.last,
        label=report.period.label,
        snapshot={"rows": {r.name: filed(r) for r in report.rows}, "total": filed(report.total)},
        filed_by=User.objects.get(username="street"),
    )
    failed = Case.objects.get(outcome="failed")
    Case.objects.filter(pk=failed.pk).update(outcome="settled_written", settled_at=at(27))
    page = client.get(reverse("cases:statistics_page") + _query())
    assert page.context["legacy_filing"] is not None
    listed = page.context["legacy_corrections"]
    corrections = {(name, key): (was, now) for name, key, _label, was, now in listed}
    assert corrections[("合计", "settled")] == (4, 5)
    assert corrections[("合计", "failed")] == (1, 0)


def test_the_page_runs_the_same_queries_for_few_or_many_communities_and_cases(demo: None) -> None:
    client = client_for("admin")
    query = f"?scope=district:{District.objects.get().pk}&period={SEPT}"
    make_case("金江路社区", accepted=at(2), outcome="settled_written", settled=at(12))
    few = _count(client, query)
    street = Street.objects.get(name="联盟街道")
    for n in range(6):
        Community.objects.create(street=street, name=f"新社区{n}", code=f"9{n:08d}")
    for name in ("北辰社区", "金色社区", "田园路社区", "拓东社区"):
        for day in range(1, 20):
            make_case(name, accepted=at(day), outcome="failed", closed=at(day + 5))
    assert _count(client, query) == few


def _count(client, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:statistics_page") + query).status_code == 200
    return len(queries)


def test_formula_injection_is_neutralised_in_exports(demo: None) -> None:
    Community.objects.filter(name="金江路社区").update(name='=HYPERLINK("x")')
    make_case('=HYPERLINK("x")', accepted=at(2), outcome="settled_written", settled=at(12))
    client = client_for("admin")
    query = f"?scope=district:{District.objects.get().pk}&period={SEPT}"
    streamed = client.get(reverse("cases:statistics_export", args=["csv"]) + query)
    assert streamed.streaming
    body = streamed.getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    book = load_workbook(
        io.BytesIO(client.get(reverse("cases:statistics_export", args=["xlsx"]) + query).content)
    )
    names = [r[0] for r in book["矛盾不上交"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("x")' in names


def test_the_case_level_export_holds_no_personal_data(
    demo: None, django_capture_on_commit_callbacks, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = in_state("sit_in")
    party = case.parties.first()
    assert party is not None
    client = client_for("coordinator")
    own = Community.objects.get(name="金江路社区")
    today = timezone.localdate()
    query = f"?scope=community:{own.pk}&period={today:%Y-%m}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_export") + query)
    download = client.get(response["Location"] + "download/")
    assert download.streaming
    assert download["Cache-Control"] == "private, no-store"  # kept by no cache on the way
    body = download.getvalue().decode("utf-8-sig")
    assert case.number in body
    for secret in (party.name, party.id_number, party.phone, party.address):
        assert secret not in body


def test_the_case_level_export_comes_as_excel_too(
    demo: None, django_capture_on_commit_callbacks, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    cases = [in_state("sit_in") for _ in range(3)]
    subtype = DisputeSubtype.objects.filter(dispute_type=cases[0].dispute_type).first()
    Case.objects.filter(pk=cases[0].pk).update(
        difficulty="complex",
        dispute_subtype=subtype,
        prevented_suicide=True,
        prevented_suicide_persons=1,
    )
    cases[0].refresh_from_db()
    Community.objects.filter(name="金江路社区").update(name="=1+1社区")
    client = client_for("coordinator")
    own = Community.objects.get(name="=1+1社区")
    query = f"?scope=community:{own.pk}&period={timezone.localdate():%Y-%m}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_export") + query, {"format": "xlsx"})
    download = client.get(response["Location"] + "download/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="cases-' in download["Content-Disposition"]
    assert download.streaming
    book = load_workbook(io.BytesIO(download.getvalue()), read_only=True)
    rows = list(book["案件明细"].iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "案号" and len(header) == 25
    assert sorted((r[0] for r in rows[1:]), key=str) == sorted(c.number for c in cases)
    assert {r[3] for r in rows[1:]} == {"'=1+1社区"}
    graded = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == cases[0].number)
    assert graded["难易程度"] == "复杂" and graded["防止引起自杀"] == "是"
    assert subtype is not None and graded["纠纷细类"] == subtype.name
    party = cases[0].parties.first()
    assert party is not None
    flat = repr(rows)
    assert party.name not in flat and party.phone not in flat


# --- Properties over random case sets ---------------------------------------------------------

OUTCOMES = st.sampled_from(
    [
        "settled_written",
        "settled_oral",
        "failed",
        "party_refuses",
        "withdrawn",
        "declined_scope",
        "referred_out",
        "",
        "",
    ]
)


@hsettings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(
        st.tuples(
            st.sampled_from(["金江路社区", "北辰社区", "白龙路社区"]),
            OUTCOMES,
            st.sampled_from(["community", "street"]),
            st.integers(min_value=1, max_value=28),
            st.integers(min_value=0, max_value=20),
        ),
        max_size=25,
    )
)
def test_per_community_figures_sum_to_the_street_and_the_shares_to_100(
    september_world: None, specs: list
) -> None:
    Case.objects.all().delete()
    for community, outcome, level, day, duration in specs:
        accepted = at(day)
        concluded = accepted + timedelta(days=duration)
        make_case(
            community,
            accepted=accepted,
            outcome=outcome,
            level="referred_out" if outcome == "referred_out" else level,
            settled=concluded if outcome.startswith("settled") else None,
            closed=concluded if outcome and not outcome.startswith("settled") else None,
        )
    places = list(Community.objects.filter(street__name="联盟街道"))
    report = figures.compute(places, figures.parse_period(SEPT), "联盟街道")
    for name in ("accepted", "settled", "failed", "referred", "withdrawn", "declined"):
        assert getattr(report.total, name) == sum(getattr(r, name) for r in report.rows)
    if report.total.concluded:
        shares = (
            report.total.community_share + report.total.street_share + report.total.not_local_share
        )
        assert round(shares, 1) == 100.0
    for row in report.rows:
        if row.concluded:
            assert round(row.community_share + row.street_share + row.not_local_share, 1) == 100.0
    lines = list(csv.reader(io.StringIO("".join(exports.figures_csv(report)).lstrip("\ufeff"))))
    total_line = next(line for line in lines if line and line[0] == "合计")
    assert total_line[1] == str(report.total.accepted)


@pytest.fixture
def september_world(demo: None) -> None:
    """The demo district, once for all the generated examples of a property."""


def test_the_page_shows_twelve_months_of_shares_and_litigation_rates(september: None) -> None:
    """Beside the 矛盾不上交 shares, their last twelve months with the 万人成讼率: a month with
    the court's figure has its rate, a month without one shows "—", not 0."""
    from cases.models import CourtFilingCount  # noqa: PLC0415  only this test enters one

    jinjiang = Community.objects.get(name="金江路社区")
    Community.objects.filter(pk=jinjiang.pk).update(population=8000)
    CourtFilingCount.objects.all().delete()
    CourtFilingCount.objects.create(
        community=jinjiang,
        month=at(1).date(),
        civil_first_instance=6,
        source="typed",
        entered_by=User.objects.get(username="street"),
    )
    client = client_for("coordinator")
    response = client.get(
        reverse("cases:statistics_page") + f"?scope=community:{jinjiang.pk}&period={SEPT}"
    )
    page = response.content.decode()
    heading = page.index('id="trend-heading"')
    table = page[heading : page.index("</table>", heading)]
    assert table.count("<tr>") == 13  # the header and twelve months, 2025-10 … 2026-09
    last_month = table[table.index("2026-09") :]
    august = table[table.index("2026-08") : table.index("2026-09")]
    assert "7.5</td>" in last_month  # 6 ÷ 8,000 × 10,000
    assert "<td>—</td></tr>" in august  # no figure from the court for August
