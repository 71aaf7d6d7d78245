"""Working days in mainland China: weekends off, public holidays off, and 调休 make-up
weekend days worked. Pure functions over a calendar; the calendar's data is the
``Holiday`` table (``Holiday.objects.calendar()``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays and make-up working days; everything else follows Monday to Friday."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    #: make-up working day → the weekday (0 = Monday) whose timetable it follows
    works_as: dict[date, int] = field(default_factory=dict)
    #: the years whose schedule is the State Council's; in any other year the days off are an
    #: estimate, and so is every deadline that may end in it. None: every year is settled.
    official_years: frozenset[int] | None = None

    def is_provisional(self, first: date, last: date) -> bool:
        """Whether a day from ``first`` to ``last`` lies in a year whose schedule is estimated
        (a deadline whose period ends on ``first`` and runs on to ``last`` may still move)."""
        if self.official_years is None:
            return False
        return any(year not in self.official_years for year in range(first.year, last.year + 1))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def timetable_weekday(self, day: date) -> int | None:
        """Which weekday's timetable ``day`` follows: its own on an ordinary working day, the
        replaced weekday on a make-up day (调休), None on a rest day or an unpaired make-up day."""
        if not self.is_working_day(day):
            return None
        if day in self.workdays:
            return self.works_as.get(day, day.weekday() if day.weekday() < 5 else None)
        return day.weekday()

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        """``day`` itself when it is a working day, otherwise the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def deadline(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` calendar days counted from the day after
        ``start``; a period ending on a rest day runs to the next working day (民事诉讼法
        Art. 85 counting, used for mediation and judicial-confirmation deadlines)."""
        if days < 1:
            raise ValueError("A period has at least one day.")
        return self.on_or_after(start + timedelta(days=days))

    def month_deadline(self, start: date, months: int = 1) -> date:
        """The last day of a period of ``months`` months counted from the day after
        ``start``: the same day of the month ``months`` later (or that month's last day),
        moved to the next working day when it is a rest day."""
        return self.on_or_after(month_end(start, months))

    def working_days_between(self, first: date, last: date) -> list[date]:
        """Every working day from ``first`` to ``last``, both included."""
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def month_end(start: date, months: int = 1) -> date:
    """The same day of the month ``months`` after ``start`` (or that month's last day): where a
    period of months ends before rest days are counted."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day
