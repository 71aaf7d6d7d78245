from datetime import date

import pytest

from clinic.lib.workdays import WorkCalendar, month_end

# The 2026 Spring Festival: 15–23 February off, Saturday 14 and Saturday 28 February worked.
SPRING_2026 = WorkCalendar(
    holidays=frozenset(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),
    workdays=frozenset({date(2026, 2, 14), date(2026, 2, 28)}),
)


def test_weekends_are_rest_days_and_weekdays_working_days() -> None:
    cal = WorkCalendar()
    assert cal.is_working_day(date(2026, 11, 27))  # Friday
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday


def test_a_make_up_saturday_is_a_working_day_and_a_holiday_monday_is_not() -> None:
    assert SPRING_2026.is_working_day(date(2026, 2, 14))
    assert not SPRING_2026.is_working_day(date(2026, 2, 16))


def test_next_working_day_skips_the_whole_holiday() -> None:
    assert SPRING_2026.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)


def test_a_period_counts_from_the_next_day_and_moves_off_a_holiday() -> None:
    # Accepted on 6 February: 10 days end on 16 February, a holiday, so on 24 February.
    assert SPRING_2026.deadline(date(2026, 2, 6), 10) == date(2026, 2, 24)
    # Ending on a make-up Saturday is ending on a working day.
    assert SPRING_2026.deadline(date(2026, 2, 4), 10) == date(2026, 2, 14)


def test_a_month_ends_on_the_same_day_number_or_the_months_last_day() -> None:
    cal = WorkCalendar()
    assert cal.month_deadline(date(2026, 3, 10)) == date(2026, 4, 10)  # Friday
    assert cal.month_deadline(date(2026, 1, 31)) == date(2026, 3, 2)  # 28 Feb is a Saturday
    assert cal.month_deadline(date(2026, 12, 15)) == date(2027, 1, 15)


def test_a_period_has_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        WorkCalendar().deadline(date(2026, 1, 1), 0)


def test_working_days_between_lists_only_working_days() -> None:
    days = SPRING_2026.working_days_between(date(2026, 2, 13), date(2026, 2, 24))
    assert days == [date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 24)]


def test_a_make_up_day_follows_the_timetable_of_the_day_it_replaces() -> None:
    # Sunday 2026-01-04 is worked in place of Friday 2026-01-02.
    cal = WorkCalendar(
        holidays=frozenset({date(2026, 1, 1), date(2026, 1, 2)}),
        workdays=frozenset({date(2026, 1, 4)}),
        works_as={date(2026, 1, 4): 4},
    )
    assert cal.timetable_weekday(date(2026, 1, 4)) == 4
    assert cal.timetable_weekday(date(2026, 1, 2)) is None
    assert cal.timetable_weekday(date(2026, 1, 5)) == 0


def test_a_period_touching_a_year_without_its_official_schedule_is_provisional() -> None:
    cal = WorkCalendar(official_years=frozenset({2026}))
    assert not cal.is_provisional(date(2026, 3, 2), date(2026, 3, 2))
    assert cal.is_provisional(date(2027, 2, 8), date(2027, 2, 11))
    # a period ending on 31 December 2026 and pushed by rest days into January 2027
    assert cal.is_provisional(date(2026, 12, 31), date(2027, 1, 4))
    assert not WorkCalendar().is_provisional(date(2030, 1, 1), date(2030, 1, 1))


def test_a_month_ends_on_the_same_day_or_the_last_day_of_the_shorter_month() -> None:
    assert month_end(date(2026, 1, 31)) == date(2026, 2, 28)
    assert month_end(date(2028, 1, 31)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 15)) == date(2027, 1, 15)
    assert month_end(date(2026, 5, 10), 3) == date(2026, 8, 10)
