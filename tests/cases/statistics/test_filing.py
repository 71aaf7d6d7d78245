"""Committee reports on their way up: 填报 → 审核 (通过 / 退回) → 上报, checked before filing,
frozen at 审核通过, corrected in the open, reminded daily.

The world: 金江路社区's committee in September 2026, on 3 October 2026 (the report is due on
5 October): three disputes accepted in September, one settled, one failed, one still open."""

from __future__ import annotations

import csv
import html
import io
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from cases.models import Case, FilingState, ReportFiling
from cases.statistics import figures, filing, snapshots
from cases.statistics.actions import (
    do_approve_report,
    do_fill_report,
)
from cases.statistics.figures import Report, Row
from clinic.choices import Role
from clinic.models import (
    AuditEntry,
    Community,
    MediationCommittee,
    Membership,
    Notification,
    Street,
    User,
)
from clinic.notify.digest import send_digests
from clinic.notify.render import render_notification
from tests.conftest import client_for

SEPT = figures.month_period(2026, 9)
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI)


def at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _on_3_october() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def make_case(
    community: str = "金江路社区",
    *,
    accepted: datetime,
    outcome: str = "",
    settled: datetime | None = None,
    closed: datetime | None = None,
    number: int | None = None,
    amount_involved: int = 0,
    amount_agreed: int = 0,
) -> Case:
    """A dispute as it stands after its history, written straight to the table."""
    place = Community.objects.get(name=community)
    state = "closed" if closed else ("follow_up" if settled else "sit_in")
    prefix = place.committee.case_prefix
    return Case.objects.create(
        state=state,
        kind="dispute",
        committee=place.committee,
        community=place,
        street=place.street,
        number=f"(2026){prefix}人调字第{number}号" if number else "",
        registered_by=User.objects.get(username="mediator"),
        registered_at=accepted - timedelta(hours=1),
        accepted_at=accepted,
        settled_at=settled,
        closed_at=closed,
        outcome=outcome,
        level="community",
        source="walk_in",
        dispute_type="neighbour",
        summary="x",
        amount_involved=Decimal(amount_involved) if amount_involved else None,
        amount_agreed=Decimal(amount_agreed) if amount_agreed else None,
        mediation_due=(accepted + timedelta(days=30)).date(),
    )


@pytest.fixture
def september(demo: None) -> dict[str, Case]:
    """金江路社区, September 2026: accepted 3; settled 1 (8,000 of 10,000 yuan agreed),
    failed 1, still open 1."""
    return {
        "settled": make_case(
            accepted=at(2),
            outcome="settled_written",
            settled=at(12),
            number=1,
            amount_involved=10000,
            amount_agreed=8000,
        ),
        "failed": make_case(accepted=at(3), outcome="failed", closed=at(20), number=2),
        "open": make_case(accepted=at(5), number=3, amount_involved=500),
    }


def committee(name: str = "金江路社区") -> MediationCommittee:
    return MediationCommittee.objects.get(community__name=name)


def page_url(committee_pk: int, period: str = "2026-09") -> str:
    return f"{reverse('cases:statistics_page')}?scope=committee:{committee_pk}&period={period}"


def fill_url(committee_pk: int, period: str = "2026-09") -> str:
    return f"{reverse('cases:fill_report', args=[committee_pk])}?period={period}"


def fill_data(client: Client, committee_pk: int, period: str = "2026-09") -> dict[str, Any]:
    """The filing form's hidden fields as the committee's page shows them."""
    form = client.get(page_url(committee_pk, period)).context["panel"]["fill_form"]
    return {
        "seen_figures": form.initial["seen_figures"],
        "seen_version": form.initial.get("seen_version") or "",
    }


def seen(found: ReportFiling) -> dict[str, Any]:
    return {"seen_version": ReportFiling.objects.get(pk=found.pk).row_version}


def filed_by_mediator(pk: int | None = None) -> ReportFiling:
    pk = pk or committee().pk
    client = client_for("mediator")
    assert client.post(fill_url(pk), fill_data(client, pk)).status_code == 302
    return ReportFiling.objects.get(committee_id=pk, first=SEPT.first)


# --- The workflow -----------------------------------------------------------------------------


def test_a_report_is_filed_approved_and_reported_each_step_audited_and_told(
    september: dict[str, Case],
) -> None:
    jinjiang = committee()
    mediator = client_for("mediator")
    page = mediator.get(page_url(jinjiang.pk))
    assert page.status_code == 200
    assert page.context["panel"]["errors"] == []
    assert page.context["report"].total.accepted == 3

    assert mediator.post(fill_url(jinjiang.pk), fill_data(mediator, jinjiang.pk)).status_code == 302
    found = ReportFiling.objects.get(committee=jinjiang, first=SEPT.first, last=SEPT.last)
    assert (found.state, found.filed_by.username, found.label) == ("filed", "mediator", "2026-09")
    told = Notification.objects.get(user__username="street", key__startswith=f"report:{found.pk}:")
    assert "金江路社区人民调解委员会" in told.title and "2026-09" in told.title
    assert client_for("street").get(told.url).context["panel"]["filing"] == found

    street = client_for("street")
    panel = street.get(page_url(jinjiang.pk)).context["panel"]
    assert "approve_form" in panel and "fill_form" not in panel
    response = street.post(reverse("cases:approve_filing", args=[found.pk]), seen(found))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.reviewed_by is not None
    assert (found.state, found.reviewed_by.username) == ("approved", "street")
    assert Notification.objects.filter(user__username="admin", title__contains="2026-09").exists()

    admin = client_for("admin")
    assert "report_form" in admin.get(page_url(jinjiang.pk)).context["panel"]
    response = admin.post(reverse("cases:report_filing", args=[found.pk]), seen(found))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.reported_by is not None
    assert (found.state, found.reported_by.username) == ("reported", "admin")

    steps = AuditEntry.objects.filter(object_type="reportfiling", object_id=str(found.pk))
    assert list(steps.order_by("pk").values_list("event", "username")) == [
        ("report_filed", "mediator"),
        ("report_approved", "street"),
        ("report_reported", "admin"),
    ]


def test_each_step_belongs_to_its_person_and_outsiders_get_404(
    september: dict[str, Case],
) -> None:
    jinjiang = committee()
    # 填报: the community's coordinator and mediators; the street officer and the district
    # admin see the committee but do not file; another community's people do not see it
    for username in ("street", "admin"):
        client = client_for(username)
        assert client.post(fill_url(jinjiang.pk), {}).status_code == 403
    for username in ("coordinator_jinse", "mediator_jinse", "street_donghua", "judge"):
        assert client_for(username).post(fill_url(jinjiang.pk), {}).status_code == 404
    coordinator = client_for("coordinator")
    assert (
        coordinator.post(fill_url(jinjiang.pk), fill_data(coordinator, jinjiang.pk)).status_code
        == 302
    )
    found = ReportFiling.objects.get(committee=jinjiang)
    # 审核: the street officer of the committee's street only
    approve = reverse("cases:approve_filing", args=[found.pk])
    for username in ("mediator", "coordinator", "admin"):
        assert client_for(username).post(approve, seen(found)).status_code == 403
    for username in ("street_donghua", "coordinator_jinse", "lawyer"):
        assert client_for(username).post(approve, seen(found)).status_code == 404
    assert client_for("street").post(approve, seen(found)).status_code == 302
    # 上报: the district admin only
    report = reverse("cases:report_filing", args=[found.pk])
    for username in ("mediator", "street"):
        assert client_for(username).post(report, seen(found)).status_code == 403
    assert client_for("admin").post(report, seen(found)).status_code == 302


def test_the_street_committee_is_filed_by_the_streets_mediators(demo: None) -> None:
    street_committee = MediationCommittee.objects.get(level="street", street__name="联盟街道")
    client = client_for("mediator_street")
    assert client.get(page_url(street_committee.pk)).status_code == 200
    assert client.post(fill_url(street_committee.pk), {}).status_code == 400  # no notes yet
    assert client_for("mediator").post(fill_url(street_committee.pk), {}).status_code == 404


def test_a_step_not_possible_now_is_refused(september: dict[str, Case]) -> None:
    found = filed_by_mediator()
    admin = client_for("admin")
    # 上报 before 审核通过
    response = admin.post(reverse("cases:report_filing", args=[found.pk]), seen(found))
    assert response.status_code == 400
    assert ReportFiling.objects.get(pk=found.pk).state == "filed"
    # filed twice
    client = client_for("mediator")
    assert client.post(fill_url(found.committee_id), {"seen_figures": "x"}).status_code == 400


# --- Checks before 填报 ----------------------------------------------------------------------


def _row(name: str = "合计", **counts: Any) -> Row:
    """A row whose printed formulas hold unless the counts given break them."""
    values: dict[str, Any] = {"accepted": 4, "settled": 2, "failed": 1, "still_open": 1}
    values.update(counts)
    values.setdefault("written", values["settled"])
    values.setdefault("settled_community", values["settled"])
    values.setdefault("source_parties", values["accepted"])
    return Row(name=name, **values)


def _report(previous: Row | None = None, **counts: Any) -> Report:
    total = _row(**counts)
    place = _row("金江路社区", **counts)
    kind = _row("邻里", **counts)
    kind.code = "neighbour"
    return Report(
        period=SEPT,
        scope_label="金江路社区人民调解委员会",
        rows=[place],
        total=total,
        by_type=[kind],
        by_source=[],
        hours_by_role=[],
        trend=[],
        previous=previous,
    )


def test_a_consistent_report_has_no_errors_and_no_warnings() -> None:
    checked = filing.check_report(_report())
    assert checked.errors == [] and checked.concerns == []


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"still_open": 3}, "still open 3 = 6"),  # the balance identity fails
        ({"settled": 6, "accepted": 4, "carried_in": 1, "still_open": -3}, "settled (6)"),
        ({"amount_involved": Decimal(100), "amount_agreed": Decimal(500)}, "(500 yuan)"),
    ],
)
def test_errors_block_filing(counts: dict[str, Any], words: str) -> None:
    with translation.override("en"):
        errors = filing.check_report(_report(**counts)).errors
    assert errors, counts
    assert any(words in error for error in errors), errors


def test_a_printed_cross_check_that_fails_is_an_error() -> None:
    report = _report()
    report.total.written = 0  # 成功 = 书面 + 口头 fails on the 合计 row
    with translation.override("en"):
        errors = filing.check_report(report).errors
    assert any("A check printed under the table fails" in error for error in errors)


@pytest.mark.parametrize(
    ("counts", "previous", "code"),
    [
        ({"settled": 4, "failed": 0, "still_open": 0}, None, "full_rate"),
        (
            {"settled": 5, "failed": 0, "still_open": 0, "carried_in": 1},
            None,
            "settled_over_accepted",
        ),
        ({"accepted": 0, "settled": 0, "failed": 0, "still_open": 0}, None, "no_cases"),
        ({}, _row(accepted=8, settled=2, still_open=5), "swing_accepted"),
        ({}, _row(accepted=4, settled=1, failed=1, still_open=2), "swing_settled"),
    ],
)
def test_warnings_each_ask_a_note(counts: dict[str, Any], previous: Row | None, code: str) -> None:
    checked = filing.check_report(_report(previous=previous, **counts))
    assert checked.errors == []
    assert code in [concern.code for concern in checked.concerns]


def test_errors_keep_the_report_from_being_filed(
    september: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = committee().pk
    client = client_for("mediator")
    data = fill_data(client, pk)
    broken = filing.Checked(errors=["上期结转 + 本期受理 ≠ …"])
    monkeypatch.setattr(filing, "check_report", lambda report: broken)
    page = client.get(page_url(pk))
    assert page.context["panel"]["errors"] == broken.errors
    assert "cases:fill_report" not in page.content.decode()  # no button to file
    response = client.post(fill_url(pk), data)
    assert response.status_code == 400
    assert "上期结转 + 本期受理 ≠ …" in response.content.decode()
    assert not ReportFiling.objects.exists()


def test_a_warning_needs_a_written_note(demo: None) -> None:
    make_case(accepted=at(2), outcome="settled_written", settled=at(12), number=1)
    make_case(accepted=at(3), outcome="settled_oral", settled=at(13), number=2)
    pk = committee().pk
    client = client_for("mediator")
    data = fill_data(client, pk)
    form = client.get(page_url(pk)).context["panel"]["fill_form"]
    assert [concern.code for concern in form.concerns] == ["full_rate"]
    response = client.post(fill_url(pk), data)
    assert response.status_code == 400
    assert response.context["panel"]["fill_form"].errors["note_full_rate"]
    assert not ReportFiling.objects.exists()
    data["note_full_rate"] = "两件均为当月调解成功的邻里纠纷。"
    assert client.post(fill_url(pk), data).status_code == 302
    notes = ReportFiling.objects.get().notes
    assert [(n["code"], n["note"]) for n in notes] == [
        ("full_rate", "两件均为当月调解成功的邻里纠纷。")
    ]
    assert "100" in notes[0]["text"]


@pytest.mark.parametrize("period", ["2026-10", "2026-Q4", "2030-Q1", "2026"])
def test_a_period_not_yet_ended_cannot_be_filed(demo: None, period: str) -> None:
    pk = committee().pk
    client = client_for("mediator")
    page = client.get(page_url(pk, period))
    assert page.context["panel"]["not_yet"]
    assert "fill_form" not in page.context["panel"]
    response = client.post(fill_url(pk, period), {"seen_figures": "x"})
    assert response.status_code == 400
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        filing.check_fileable(figures.parse_period(period))
    said = html.escape(refused.value.messages[0])
    assert said in response.content.decode()
    assert not ReportFiling.objects.exists()


def test_a_range_of_dates_is_not_a_reporting_period(demo: None) -> None:
    query = f"?scope=committee:{committee().pk}&first=2026-09-03&last=2026-09-20"
    page = client_for("mediator").get(reverse("cases:statistics_page") + query)
    assert page.context["panel"]["not_yet"]


def test_the_figures_changed_since_the_page_was_shown_are_not_filed_unseen(
    september: dict[str, Case],
) -> None:
    pk = committee().pk
    client = client_for("mediator")
    data = fill_data(client, pk)
    make_case(accepted=at(25), number=4)  # meanwhile: a fourth dispute accepted
    response = client.post(fill_url(pk), data)
    assert response.status_code == 409
    assert not ReportFiling.objects.exists()
    again = response.context["panel"]["fill_form"]
    assert client.post(fill_url(pk), again.data).status_code == 302
    assert ReportFiling.objects.get().snapshot["report"]["total"]["accepted"] == 4


# --- 退回 and filing again; two reviewers at once ----------------------------------------------


def test_a_returned_report_is_filed_again(september: dict[str, Case]) -> None:
    found = filed_by_mediator()
    street = client_for("street")
    back = reverse("cases:return_filing", args=[found.pk])
    response = street.post(back, seen(found))  # no reason
    assert response.status_code == 400
    assert ReportFiling.objects.get(pk=found.pk).state == "filed"
    reason = "失败案件的结案日期有误，请核实后重新填报。"
    assert street.post(back, {**seen(found), "reason": reason}).status_code == 302
    found.refresh_from_db()
    assert (found.state, found.return_reason) == ("returned", reason)
    told = Notification.objects.get(user__username="coordinator", key__contains=":returned:")
    assert told.body == reason
    # the committee corrects the case and files again, in the same filing
    Case.objects.filter(pk=september["failed"].pk).update(closed_at=at(21))
    client = client_for("mediator")
    panel = client.get(page_url(found.committee_id)).context["panel"]
    assert reason in client.get(page_url(found.committee_id)).content.decode()
    assert "fill_form" in panel
    assert (
        client.post(fill_url(found.committee_id), fill_data(client, found.committee_id)).status_code
        == 302
    )
    again = ReportFiling.objects.get()
    assert again.pk == found.pk and again.state == "filed"
    assert again.snapshot["cases"][str(september["failed"].pk)]["closed_on"] == "2026-09-21"
    events = AuditEntry.objects.filter(object_type="reportfiling").order_by("pk")
    assert list(events.values_list("event", flat=True)) == [
        "report_filed",
        "report_returned",
        "report_filed",
    ]


@pytest.fixture
def second_officer(demo: None) -> User:
    officer = User.objects.create_user(username="street2", password="x", display_name="钱志强")
    Membership.objects.create(
        user=officer,
        role=Role.STREET_OFFICER,
        level="street",
        district=Street.objects.get(name="联盟街道").district,
        street=Street.objects.get(name="联盟街道"),
    )
    return officer


def test_two_reviewers_at_once_one_wins_and_the_other_is_told(
    september: dict[str, Case], second_officer: User
) -> None:
    found = filed_by_mediator()
    first, second = client_for("street"), client_for("street2")
    shown = seen(found)  # both pages show the same version
    assert first.post(reverse("cases:approve_filing", args=[found.pk]), shown).status_code == 302
    late = second.post(
        reverse("cases:return_filing", args=[found.pk]), {**shown, "reason": "数字有误"}
    )
    assert late.status_code == 409
    text = late.content.decode()
    with translation.override("zh-hans"):
        approved = str(FilingState.APPROVED.label)
    assert approved in text  # what the other reviewer did
    found.refresh_from_db()
    assert found.reviewed_by is not None
    assert (found.state, found.reviewed_by.username, found.return_reason) == (
        "approved",
        "street",
        "",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_the_same_moment_one_wins(
    september: dict[str, Case], second_officer: User
) -> None:
    found = filed_by_mediator()
    shown = seen(found)
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def review(username: str, step: str, data: dict[str, Any]) -> None:
        client = client_for(username)
        barrier.wait()
        codes.append(client.post(reverse(step, args=[found.pk]), data).status_code)
        connection.close()

    threads = [
        threading.Thread(target=review, args=("street", "cases:approve_filing", shown)),
        threading.Thread(
            target=review, args=("street2", "cases:return_filing", {**shown, "reason": "r"})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [302, 409]
    assert ReportFiling.objects.get(pk=found.pk).state in ("approved", "returned")


# --- The freeze and its corrections ----------------------------------------------------------


def _approved(september: dict[str, Case]) -> ReportFiling:
    found = filed_by_mediator()
    assert (
        client_for("street")
        .post(reverse("cases:approve_filing", args=[found.pk]), seen(found))
        .status_code
        == 302
    )
    return ReportFiling.objects.get(pk=found.pk)


def _sheets(content: bytes) -> list[list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def _csv(client: Client, query: str) -> list[list[str]]:
    response = client.get(reverse("cases:statistics_export", args=["csv"]) + query)
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_a_frozen_reports_page_and_files_do_not_change_after_a_later_case_edit(
    september: dict[str, Case],
) -> None:
    found = _approved(september)
    query = f"?scope=committee:{found.committee_id}&period=2026-09"
    street = client_for("street")
    page = street.get(reverse("cases:statistics_page") + query)
    assert page.context["shown"].frozen
    before = {
        "total": figures_of(page.context["report"].total),
        "by_type": [figures_of(row) for row in page.context["report"].by_type],
        "csv": _csv(street, query),
        "xlsx": _sheets(
            street.get(reverse("cases:statistics_export", args=["xlsx"]) + query).content
        ),
    }
    # later: the failed dispute is settled after all, and a new one is accepted in September
    Case.objects.filter(pk=september["failed"].pk).update(
        outcome="settled_written", settled_at=at(20), closed_at=None, state="follow_up"
    )
    make_case(accepted=at(28), number=9)
    page = street.get(reverse("cases:statistics_page") + query)
    assert page.context["shown"].frozen
    assert figures_of(page.context["report"].total) == before["total"]
    assert [figures_of(row) for row in page.context["report"].by_type] == before["by_type"]
    assert page.context["report"].total.settled == 1 and page.context["report"].total.accepted == 3
    assert _csv(street, query) == before["csv"]
    xlsx = street.get(reverse("cases:statistics_export", args=["xlsx"]) + query).content
    assert _sheets(xlsx) == before["xlsx"]
    # the community's own page is live (a community is not a reporting unit)
    live = street.get(
        reverse("cases:statistics_page")
        + f"?scope=community:{Community.objects.get(name='金江路社区').pk}&period=2026-09"
    )
    assert not live.context["shown"].frozen
    assert live.context["report"].total.settled == 2
    assert [c.name for c in live.context["shown"].frozen_committees] == ["金江路社区人民调解委员会"]


def figures_of(row: Row) -> dict[str, Any]:
    return snapshots.to_data(row)


def test_later_changes_are_listed_as_corrections_by_case_field_old_and_new_in_chinese(
    september: dict[str, Case],
) -> None:
    found = _approved(september)
    failed = september["failed"]
    Case.objects.filter(pk=failed.pk).update(
        outcome="settled_written", settled_at=at(20), closed_at=None, state="follow_up"
    )
    newcomer = make_case(accepted=at(28), number=9)
    page = client_for("street").get(page_url(found.committee_id))
    listed = page.context["corrections"][found.pk]
    with translation.override("zh-hans"):
        second = gettext("Case %(number)s") % {"number": "(2026)盘金人调字第2号"}
        ninth = gettext("Case %(number)s") % {"number": "(2026)盘金人调字第9号"}
        counted = gettext("Counts in this report")
    assert [(c.case_id, c.case, c.field, c.old, c.new) for c in listed] == [
        (failed.pk, second, "办理结果", "调解不成", "达成书面协议"),
        (failed.pk, second, "调解成功时间", "—", "2026-09-20"),
        (failed.pk, second, "结案时间", "2026-09-20", "—"),
        (newcomer.pk, ninth, counted, "否", "是"),
    ]
    text = page.content.decode()
    assert f"{second}</a>：办理结果 调解不成 → <strong>达成书面协议</strong>" in text


def test_a_street_shows_frozen_figures_only_when_all_its_committees_are_approved(
    september: dict[str, Case],
) -> None:
    make_case("北辰社区", accepted=at(4), outcome="settled_oral", settled=at(9), number=1)
    street = Street.objects.get(name="联盟街道")
    query = f"?scope=street:{street.pk}&period=2026-09"
    client = client_for("street")
    _approved(september)
    page = client.get(reverse("cases:statistics_page") + query)
    assert not page.context["shown"].frozen
    assert "金江路社区人民调解委员会" in page.content.decode()
    officer, filer = User.objects.get(username="street"), User.objects.get(username="mediator")
    for other in MediationCommittee.objects.filter(street=street).exclude(pk=committee().pk):
        report = filing.committee_report(other, SEPT)
        notes = [
            {"code": c.code, "text": c.text, "note": "核实无误"}
            for c in filing.check_report(report).concerns
        ]
        done = do_fill_report(other, report, actor=filer, notes=notes)
        do_approve_report(done, actor=officer)
    live_total = client.get(reverse("cases:statistics_page") + query).context["report"].total
    page = client.get(reverse("cases:statistics_page") + query)
    assert page.context["shown"].frozen
    total = page.context["report"].total
    assert (total.accepted, total.settled, total.failed, total.still_open) == (4, 2, 1, 1)
    # a later change does not move the street's frozen figures
    Case.objects.filter(pk=september["open"].pk).update(
        outcome="failed", closed_at=at(29), state="closed"
    )
    again = client.get(reverse("cases:statistics_page") + query).context["report"].total
    assert (again.failed, again.still_open) == (1, 1)
    assert live_total.accepted == total.accepted


# --- The snapshot ------------------------------------------------------------------------------


def test_a_report_comes_back_from_its_snapshot_whole(september: dict[str, Case]) -> None:
    report = filing.committee_report(committee(), SEPT)
    data = snapshots.report_to_data(report)
    assert snapshots.report_from_data(data) == report
    # an older snapshot without a field added since: the default; a field since removed: ignored
    del data["total"]["multi_party"]
    data["total"]["retired_figure"] = 7
    restored = snapshots.report_from_data(data)
    assert restored.total.multi_party == 0 and restored.total.accepted == 3
    assert isinstance(restored.total.amount_involved, Decimal)
    assert restored.period == SEPT


def test_the_snapshot_keeps_the_facts_of_each_case_that_counts(september: dict[str, Case]) -> None:
    found = filed_by_mediator()
    facts = found.snapshot["cases"][str(september["settled"].pk)]
    assert facts["outcome"] == "settled_written" and facts["settled_on"] == "2026-09-12"
    assert facts["amount_agreed"] == "8000.00" and facts["number"].endswith("第1号")
    assert set(found.snapshot["cases"]) == {str(case.pk) for case in september.values()}


# --- Reminders and the list ---------------------------------------------------------------


def eight_oclock(day: int) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 10, day, 8, tzinfo=SHANGHAI), tick=False)


def digest_on(day: int) -> None:
    """The 08:00 daily reminder of 2026-10-``day``, as beat runs it (twice: sent once)."""
    with eight_oclock(day):
        send_digests(date(2026, 10, day))
        send_digests(date(2026, 10, day))


def digest_lines(username: str, day: int, about: str = "金江路社区") -> list[str]:
    """The lines of the person's daily reminder of 2026-10-``day`` that name ``about``."""
    found = Notification.objects.filter(user__username=username, key__endswith=f"2026-10-{day:02}")
    return [
        line
        for n in found.filter(key__startswith="digest:")
        for line in render_notification(n).body.splitlines()
        if about in line
    ]


def test_a_report_due_is_one_item_of_each_fillers_daily_reminder(
    september: dict[str, Case],
) -> None:
    assert filing.due_on(SEPT) == date(2026, 10, 5)
    digest_on(3)
    for username in ("mediator", "coordinator"):
        assert Notification.objects.filter(user__username=username).count() == 1
        # the due day as the reader reads dates
        assert digest_lines(username, 3) == [
            "【新】请于 2026年10月5日 前填报：金江路社区人民调解委员会 2026-09 报表"
            "（2026年10月5日 到期）"
        ]
    # no notice of its own, and nothing about it for the street officer yet
    assert not Notification.objects.filter(template__startswith="statistics.")
    assert digest_lines("street", 3) == []


def test_the_next_day_an_unfiled_report_is_overdue_so_many_days_and_once_filed_gone(
    september: dict[str, Case],
) -> None:
    digest_on(5)
    digest_on(6)
    assert digest_lines("mediator", 5) == [
        "【新】请于 2026年10月5日 前填报：金江路社区人民调解委员会 2026-09 报表（今日到期）"
    ]
    # the same report, no longer new: overdue, and for how long
    assert digest_lines("mediator", 6) == [
        "已逾期（应于 2026年10月5日 前填报）：金江路社区人民调解委员会 2026-09 报表（已逾期 1 天）"
    ]
    with eight_oclock(6):
        filed_by_mediator()
    digest_on(7)
    assert digest_lines("mediator", 7) == []
    assert digest_lines("street", 7) == ["【新】待审核报表：金江路社区人民调解委员会，2026-09"]


def test_a_report_to_review_is_an_item_of_the_street_officers_reminder_until_reviewed(
    september: dict[str, Case],
) -> None:
    found = filed_by_mediator()
    digest_on(3)
    digest_on(4)
    assert digest_lines("street", 3) == ["【新】待审核报表：金江路社区人民调解委员会，2026-09"]
    assert digest_lines("street", 4) == ["待审核报表：金江路社区人民调解委员会，2026-09"]
    with eight_oclock(4):
        do_approve_report(found, actor=User.objects.get(username="street"))
    digest_on(5)
    assert digest_lines("street", 5) == []


def test_long_after_the_due_day_a_report_is_no_longer_reminded(
    september: dict[str, Case],
) -> None:
    digest_on(15)
    digest_on(16)
    assert digest_lines("mediator_jinse", 15, about="金色社区") == [
        "【新】已逾期（应于 2026年10月5日 前填报）：金色社区人民调解委员会 2026-09 报表"
        "（已逾期 10 天）"
    ]
    assert digest_lines("mediator_jinse", 16, about="金色社区") == []


def test_the_due_day_is_configurable(settings: Any) -> None:
    settings.CLINIC_REPORT_DUE_DAY = 10
    assert filing.due_on(SEPT) == date(2026, 10, 10)
    assert filing.due_on(figures.month_period(2026, 12)) == date(2027, 1, 10)


def test_the_list_shows_what_waits_for_each_person(september: dict[str, Case]) -> None:
    url = reverse("cases:report_filings")
    with translation.override("zh-hans"):
        to_file, to_review, to_report = (
            gettext("to file"),
            gettext("to review"),
            gettext("to report upward"),
        )
    waiting = client_for("mediator").get(url).context["waiting"]
    assert [(c.name, f, step, due) for c, f, step, due in waiting] == [
        ("金江路社区人民调解委员会", None, to_file, date(2026, 10, 5))
    ]
    found = filed_by_mediator()
    assert client_for("mediator").get(url).context["waiting"] == []
    waiting = client_for("street").get(url).context["waiting"]
    assert [(f, step) for _c, f, step, _d in waiting] == [(found, to_review)]
    assert client_for("admin").get(url).context["waiting"] == []
    do_approve_report(found, actor=User.objects.get(username="street"))
    waiting = client_for("admin").get(url).context["waiting"]
    assert [(f, step) for _c, f, step, _d in waiting] == [(found, to_report)]
    assert client_for("gridworker").get(url).status_code == 403
    assert client_for("judge").get(url).status_code == 403


def test_the_list_runs_the_same_queries_for_one_report_or_many(september: dict[str, Case]) -> None:
    street = Street.objects.get(name="联盟街道")
    filer = User.objects.get(username="mediator")
    client = client_for("street")
    url = reverse("cases:report_filings")

    def file(committee: MediationCommittee, month: int) -> None:
        report = filing.committee_report(committee, figures.month_period(2026, month))
        notes = [
            {"code": c.code, "text": c.text, "note": "核实"}
            for c in filing.check_report(report).concerns
        ]
        do_fill_report(committee, report, actor=filer, notes=notes)

    file(committee(), 8)
    client.get(url)  # the person's roles read once (cached)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for other in MediationCommittee.objects.filter(street=street):
        for month in (6, 7):
            file(other, month)
    with CaptureQueriesContext(connection) as many:
        waiting = client.get(url).context["waiting"]
    assert len(waiting) > 6
    assert len(many) == len(one)


def test_adding_up_committees_counts_a_communitys_own_facts_once() -> None:
    def place(name: str, **values: Any) -> Row:
        return Row(name=name, **values)

    mine = _report()
    mine.rows = [place("金江路社区", accepted=3, population=5000, sessions=2, civil_filings=4)]
    streets = _report()
    streets.rows = [
        place("金江路社区", accepted=1, population=5000, sessions=2, civil_filings=4),
        place("北辰社区", accepted=2, population=3000, sessions=1, civil_filings=2),
    ]
    added = snapshots.combine([mine, streets], "联盟街道", SEPT)
    rows = {row.name: row for row in added.rows}
    assert (rows["金江路社区"].accepted, rows["金江路社区"].population) == (4, 5000)
    assert (rows["金江路社区"].sessions, rows["金江路社区"].civil_filings) == (2, 4)
    total = added.total
    assert (total.accepted, total.population, total.sessions, total.civil_filings) == (
        6,
        8000,
        3,
        6,
    )
    assert total.litigation_rate == 7.5  # 6 ÷ 8,000 × 10,000


def test_the_reviewer_sees_what_changed_since_the_report_was_filed(
    september: dict[str, Case],
) -> None:
    found = filed_by_mediator()
    Case.objects.filter(pk=september["open"].pk).update(
        outcome="failed", closed_at=at(29), state="closed"
    )
    page = client_for("street").get(page_url(found.committee_id))
    listed = page.context["corrections"][found.pk]
    assert [(c.case_id, c.field, c.old, c.new) for c in listed] == [
        (september["open"].pk, "办理结果", "—", "调解不成"),
        (september["open"].pk, "结案时间", "—", "2026-09-29"),
    ]
    assert "approve_form" in page.context["panel"]  # still for the reviewer to decide
