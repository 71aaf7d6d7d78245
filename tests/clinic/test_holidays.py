from datetime import date

from django.urls import reverse

from clinic.models import AuditEntry, Holiday
from tests.conftest import client_for


def test_a_district_admin_records_a_make_up_working_day(demo: None) -> None:
    response = client_for("admin").post(
        reverse("clinic:save_holiday"),
        {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"},
    )
    assert response.status_code == 302
    assert Holiday.objects.get(date=date(2027, 2, 20)).kind == "workday"
    assert Holiday.objects.calendar().is_working_day(date(2027, 2, 20))  # a Saturday
    assert AuditEntry.objects.filter(event="holiday_changed").exists()


def test_a_coordinator_cannot_edit_the_calendar(demo: None) -> None:
    client = client_for("coordinator")
    assert client.get(reverse("clinic:holidays")).status_code == 403
    response = client.post(
        reverse("clinic:save_holiday"), {"date": "2027-02-20", "kind": "workday", "name": "x"}
    )
    assert response.status_code == 403
    assert not Holiday.objects.filter(date=date(2027, 2, 20)).exists()


def test_importing_a_year_twice_adds_nothing_the_second_time(demo: None) -> None:
    client = client_for("admin")
    Holiday.objects.filter(date__year=2026).delete()
    client.post(reverse("clinic:import_holidays"), {"year": "2026"})
    count = Holiday.objects.filter(date__year=2026).count()
    client.post(reverse("clinic:import_holidays"), {"year": "2026"})
    assert Holiday.objects.filter(date__year=2026).count() == count
    calendar = Holiday.objects.calendar()
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 2, 14))  # Saturday worked for the Spring Festival


def test_a_bad_date_is_refused_in_chinese(demo: None) -> None:
    response = client_for("admin").post(
        reverse("clinic:save_holiday"), {"date": "2027-02-30", "kind": "workday", "name": "x"}
    )
    assert response.status_code == 400
    assert "输入一个有效的日期" in response.content.decode()


def test_imported_make_up_days_know_which_weekday_they_replace(demo: None) -> None:
    sunday = Holiday.objects.get(date=date(2026, 1, 4))
    assert sunday.kind == "workday" and sunday.works_as == 4  # worked for Friday 2 January
