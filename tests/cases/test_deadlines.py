"""Deadlines follow the holiday calendar when it is corrected. The State Council publishes each
year's schedule late: until it is entered, a year's days off are the package's estimate, and
every deadline that may end in it is provisional. Entering the official days moves the open
deadlines they affect, each written on its case's timeline."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.choices import EventKind, State
from cases.mediation.actions import do_extend_deadline
from cases.models import CaseEvent
from clinic.actions import do_confirm_holiday_year, do_import_holidays, do_save_holiday
from clinic.models import HolidayYear
from tests.cases.factories import fresh, in_state, settle, user
from tests.conftest import client_for

# Friday 8 January 2027, Beijing: 2027's schedule is not in the holidays package (its estimate
# has the Spring Festival off on 5 and 8-10 February, no make-up days).
IN_JANUARY_2027 = datetime(2027, 1, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def estimated_2027(demo: None) -> None:
    HolidayYear.objects.all().delete()
    do_import_holidays([2026, 2027])


def _official_spring_festival_2027() -> None:
    """The schedule as published (hypothetically): two more days off after the estimate's."""
    for day in (date(2027, 2, 11), date(2027, 2, 12)):
        do_save_holiday(day=day, kind="holiday", name="春节", actor=user("admin"))


def test_importing_marks_a_year_official_only_when_the_package_has_its_published_schedule(
    estimated_2027: None,
) -> None:
    assert HolidayYear.objects.get(year=2026).official
    assert not HolidayYear.objects.get(year=2027).official


def test_a_deadline_that_may_end_in_an_estimated_year_is_provisional_on_the_case_page(
    estimated_2027: None,
) -> None:
    with time_machine.travel(IN_JANUARY_2027, tick=False):
        case = in_state(State.SIT_IN)
        # a month from 8 January ends on Monday 8 February, an estimated day off
        assert case.mediation_due == date(2027, 2, 11)
        assert case.mediation_due_provisional
        page = client_for("mediator").get(case.get_absolute_url()).content.decode()
        listed = client_for("mediator").get(reverse("cases:case_list")).content.decode()
    assert '2027-02-11 <span class="tag warn"' in page and "暂定" in page
    assert "02-11 到期（暂定）" in listed


def test_in_an_official_year_the_deadline_is_settled(estimated_2027: None) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        case = in_state(State.SIT_IN)
    assert case.mediation_due == date(2026, 4, 2)
    assert not case.mediation_due_provisional
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "暂定" not in page


def test_entering_the_official_schedule_moves_the_open_deadlines_and_says_so_on_the_timeline(
    estimated_2027: None,
) -> None:
    with time_machine.travel(IN_JANUARY_2027, tick=False):
        open_case = in_state(State.SIT_IN)
        extended = in_state(State.SIT_IN)
        do_extend_deadline(
            extended,
            actor=user("mediator"),
            version=None,
            new_due=date(2027, 3, 1),
            reason="双方同意延长",
            consent="双方书面同意",
        )
        settled = settle(in_state(State.SIT_IN))
        assert settled.confirmation_due == date(2027, 2, 11)
        assert settled.confirmation_due_provisional

        _official_spring_festival_2027()
        assert fresh(open_case).mediation_due == date(2027, 2, 15)
        assert fresh(settled).confirmation_due == date(2027, 2, 15)
        assert fresh(extended).mediation_due == date(2027, 3, 1)  # extended by hand: kept
        assert fresh(open_case).mediation_due_provisional  # not confirmed yet

        moved = do_confirm_holiday_year(2027, actor=user("admin"))
        assert moved == 0  # the dates were right already; only the flags change
        assert not fresh(open_case).mediation_due_provisional
        assert not fresh(settled).confirmation_due_provisional

    events = CaseEvent.objects.filter(case=open_case, kind=EventKind.DEADLINE_MOVED)
    assert [(e.payload["from"], e.payload["to"]) for e in events] == [
        ("2027-02-11", "2027-02-12"),
        ("2027-02-12", "2027-02-15"),
    ]
    assert all(e.actor == user("admin") for e in events)
    assert not CaseEvent.objects.filter(case=extended, kind=EventKind.DEADLINE_MOVED).exists()
    page = client_for("mediator").get(open_case.get_absolute_url()).content.decode()
    assert "期限随节假日安排调整" in page
    assert "2027-02-12 → 2027-02-15" in page


def test_the_holiday_page_shows_which_years_are_provisional_and_confirms_one(
    estimated_2027: None,
) -> None:
    admin = client_for("admin")
    page = admin.get(reverse("clinic:holidays"), {"year": 2027}).content.decode()
    assert "2027 年：估算的安排" in page
    assert "确认 2027 年以上日期为正式安排" in page
    assert (
        "2026 年：正式安排"
        in admin.get(reverse("clinic:holidays"), {"year": 2026}).content.decode()
    )

    with time_machine.travel(IN_JANUARY_2027, tick=False):
        case = in_state(State.SIT_IN)
        admin = client_for("admin")  # signed in on the day (a session signed in now expires)
        response = admin.post(
            reverse("clinic:save_holiday"),
            {"date": "2027-02-11", "kind": "holiday", "name": "春节"},
            follow=True,
        )
        assert "1 个在办期限已随日历调整" in response.content.decode()
        response = admin.post(
            reverse("clinic:confirm_holiday_year"), {"year": 2027, "official": "on"}, follow=True
        )
    assert "2027 年已标为正式安排。" in response.content.decode()
    entry = HolidayYear.objects.get(year=2027)
    assert entry.official and entry.confirmed_by == user("admin")
    assert not fresh(case).mediation_due_provisional
    assert fresh(case).mediation_due == date(2027, 2, 12)


def test_only_a_district_admin_confirms_a_year(estimated_2027: None) -> None:
    response = client_for("coordinator").post(
        reverse("clinic:confirm_holiday_year"), {"year": 2027, "official": "on"}
    )
    assert response.status_code == 403
    assert not HolidayYear.objects.get(year=2027).official
