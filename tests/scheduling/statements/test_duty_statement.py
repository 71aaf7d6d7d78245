"""A professional's monthly or quarterly duty statement: the roster's figures and the cases'
(advice, consultations, home visits), confirmed by the coordinator, as a page, PDF and Excel."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.mediation.actions import do_add_advice
from clinic.actions import do_grant_role
from clinic.models import Community, User
from scheduling.actions.bookings import do_book_seat, do_mark_attendance
from scheduling.actions.sessions import do_create_session
from scheduling.actions.statements import check_period
from scheduling.choices import SessionKind, SessionStatus
from scheduling.models import DutyStatement
from tests.cases.factories import registered_dispute
from tests.conftest import client_for
from tests.scheduling.factories import clinic, seat, user

PERIOD = "2026-11"


def _moment(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def november(demo: None) -> Iterator[None]:
    """The judge sat a regular session and a lecture in November 2026, was absent from a
    third, and gave advice on one case; now it is 20 November."""
    with time_machine.travel(_moment(2, 8), tick=False):
        booked = []
        for day, kind in ((4, SessionKind.REGULAR), (11, SessionKind.LECTURE), (18, "regular")):
            shift = do_create_session(
                clinic(),
                starts_at=_moment(day, 9),
                ends_at=_moment(day, 9) + timedelta(hours=2.5),
                place="调解室",
                kind=kind,
                status=SessionStatus.PUBLISHED,
            )
            booked.append(
                do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
            )
    with time_machine.travel(_moment(20, 10), tick=False):
        do_mark_attendance(booked[0], attendance="present")
        do_mark_attendance(booked[1], attendance="present")
        do_mark_attendance(booked[2], attendance="absent")
        do_add_advice(registered_dispute(), actor=user("judge"), role="judge", text="可调解")
        yield


def _figures(username: str, period: str = PERIOD) -> dict[str, object]:
    page = client_for(username).get(
        reverse("scheduling:duty_statement", args=[user("judge").pk]), {"period": period}
    )
    assert page.status_code == 200
    return {str(label): value for label, value in page.context["lines"]}


def test_the_professional_sees_their_own_statement(november: None) -> None:
    figures = _figures("judge")
    assert figures == {
        "参加坐诊次数": 2,
        "坐诊时长": 5.0,
        "最低坐诊时长": 4.0,
        "提供专业意见": 1,
        "参加联合会诊": 0,
        "上门巡诊": 0,
        "普法讲座": 1,
    }
    page = client_for("judge").get(
        reverse("scheduling:duty_statement", args=[user("judge").pk]), {"period": PERIOD}
    )
    assert "盘龙区人民法院联盟人民法庭" in page.content.decode()  # the unit


def test_a_quarter_adds_up_its_months_and_its_minimum(november: None) -> None:
    figures = _figures("judge", "2026-Q4")
    assert figures["参加坐诊次数"] == 2 and figures["最低坐诊时长"] == 12.0


def test_the_coordinator_confirms_and_the_figures_are_frozen(november: None) -> None:
    client = client_for("coordinator")
    listing = client.get(reverse("scheduling:duty_statements"), {"period": PERIOD})
    names = [row["person"].username for row in listing.context["rows"]]
    assert "judge" in names and "police" in names and "police_jinse" not in names
    url = reverse("scheduling:confirm_duty_statement", args=[user("judge").pk])
    early = client.post(url, {"period": PERIOD})  # 20 November: the month is not over
    assert early.status_code == 400 and "2026-12-01" in early.content.decode()
    assert not DutyStatement.objects.exists()
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=timezone.get_current_timezone())):
        client = client_for("coordinator")  # signed in again: the session idled out
        assert client.post(url, {"period": PERIOD}).status_code == 302
        statement = DutyStatement.objects.get()
        assert statement.confirmed_by == user("coordinator") and statement.figures["advice"] == 1
        assert statement.organisation == "盘龙区人民法院联盟人民法庭"
        do_add_advice(registered_dispute(), actor=user("judge"), role="judge", text="再议")
        assert _figures("judge")["提供专业意见"] == 1  # as confirmed
        again = client.post(url, {"period": PERIOD})
        assert again.status_code == 400 and "已确认" in again.content.decode()
        assert DutyStatement.objects.count() == 1


def test_only_a_roster_manager_of_the_persons_clinics_confirms(november: None) -> None:
    url = reverse("scheduling:confirm_duty_statement", args=[user("police").pk])
    assert client_for("police").post(url, {"period": PERIOD}).status_code == 403
    assert client_for("coordinator_jinse").post(url, {"period": PERIOD}).status_code == 404
    own = reverse("scheduling:duty_statement", args=[user("police").pk])
    assert client_for("lawyer").get(own).status_code == 404
    assert not DutyStatement.objects.exists()


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26-11", "2026-11-01", "本月"])
def test_a_wrong_period_is_refused_in_chinese(november: None, period: str) -> None:
    response = client_for("judge").get(
        reverse("scheduling:duty_statement", args=[user("judge").pk]), {"period": period}
    )
    assert response.status_code == 400 and "YYYY-Qn" in response.content.decode()
    with pytest.raises(ValueError):
        check_period(period)


def test_the_statement_downloads_as_excel(november: None) -> None:
    from openpyxl import load_workbook  # noqa: PLC0415

    response = client_for("judge").get(
        reverse("scheduling:duty_statement", args=[user("judge").pk]),
        {"period": PERIOD, "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert rows["姓名"] == "王志刚" and rows["参加坐诊次数"] == 2 and rows["普法讲座"] == 1


def test_the_statement_downloads_as_a_chinese_pdf(november: None) -> None:
    from pypdf import PdfReader  # noqa: PLC0415

    response = client_for("coordinator").get(
        reverse("scheduling:duty_statement", args=[user("judge").pk]),
        {"period": PERIOD, "format": "pdf"},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "王志刚" in text and "参加坐诊次数 2" in text and "普法讲座 1" in text


def _listing_queries() -> int:
    client = client_for("coordinator")
    client.get(reverse("scheduling:duty_statements"), {"period": PERIOD})  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("scheduling:duty_statements"), {"period": PERIOD})
    assert page.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_however_many_are_on_the_roster(november: None) -> None:
    # session and user, the coordinator's roles, the clinics managed, the roster, the
    # confirmed statements, the bookings, the clinics, the roster settings, the roles of
    # those listed, advice, consultations, home visits
    before = _listing_queries()
    newcomer = User.objects.create(username="lawyer_new", display_name="钱律师")
    do_grant_role(
        newcomer, role="lawyer", region=Community.objects.get(name="金江路社区"), actor=None
    )
    do_add_advice(registered_dispute(), actor=newcomer, role="lawyer", text="建议")
    assert _listing_queries() == before
