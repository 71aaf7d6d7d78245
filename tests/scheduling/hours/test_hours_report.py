from __future__ import annotations

import csv
import io

import time_machine
from django.urls import reverse

from scheduling.actions.bookings import do_book_seat, do_check_in, do_check_out, do_mark_attendance
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, session, user


def test_hours_count_check_ins_and_attendance_against_the_minimum(demo: None) -> None:
    shift = session(starts_at=at(days=1, hour=9), hours=2.5)
    booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    other = session(starts_at=at(days=1, hour=14), hours=2)
    marked = do_book_seat(seat(other, "lawyer"), person=user("lawyer"), actor=user("lawyer"))
    with time_machine.travel(shift.starts_at, tick=False):
        do_check_in(booking)
    with time_machine.travel(shift.ends_at, tick=False):
        do_check_out(booking)
    do_mark_attendance(marked, attendance="present")
    month = shift.starts_at.strftime("%Y-%m")
    client = client_for("coordinator")
    page = client.get(reverse("scheduling:hours_report") + f"?month={month}").content.decode()
    assert "王志刚" in page and "2.5" in page
    response = client.get(reverse("scheduling:hours_report") + f"?month={month}&format=csv")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["王志刚"][6] == "2.5" and by_name["陈思远"][6] == "2.0"
    assert by_name["王志刚"][7] == "4.0"


def test_the_hours_report_is_for_roster_managers(demo: None) -> None:
    assert client_for("judge").get(reverse("scheduling:hours_report")).status_code == 403


def test_everyone_on_the_roster_is_listed_those_without_a_shift_first(demo: None) -> None:
    shift = session(starts_at=at(days=1, hour=9), hours=2.5)
    booking = do_book_seat(seat(shift, "judge"), person=user("judge"), actor=user("judge"))
    do_mark_attendance(booking, attendance="present")
    month = shift.starts_at.strftime("%Y-%m")
    client = client_for("coordinator")
    table = client.get(reverse("scheduling:hours_report") + f"?month={month}").context["table"]
    names = [row["person"].username for row in table]
    # the police officer, the lawyer and the mediators of 金江路 have no shift: listed, first
    for idle in ("police", "lawyer", "mediator", "prosecutor"):
        assert idle in names and names.index(idle) < names.index("judge")
    assert "police_jinse" not in names  # another community's roster
    idle_row = next(row for row in table if row["person"].username == "police")
    assert (idle_row["shifts"], idle_row["hours"], idle_row["short"]) == (0, 0.0, True)
    response = client.get(reverse("scheduling:hours_report") + f"?month={month}&format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert {"刘强", "王志刚"} <= {row[2] for row in rows[1:]}
