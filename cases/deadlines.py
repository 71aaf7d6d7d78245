"""The deadlines that follow the working-day calendar: the one-month mediation period and the
30-day window for judicial confirmation. Each is worked out with a flag saying whether it rests
on an estimated holiday schedule; when the calendar changes (a day corrected, the official
schedule entered) ``cases.actions.do_recompute_deadlines`` works the open ones out again."""

from __future__ import annotations

from datetime import date, timedelta

from clinic.lib.workdays import WorkCalendar, month_end

MEDIATION_MONTHS = 1
CONFIRMATION_DAYS = 30
#: How far a period of holidays can push a deadline past the year it was counted in.
REACH = timedelta(days=45)


def mediation_due(calendar: WorkCalendar, accepted_on: date) -> tuple[date, bool]:
    """One month from acceptance, counted from the next day, moved off rest days; and whether
    that rests on an estimated schedule."""
    end = month_end(accepted_on, MEDIATION_MONTHS)
    due = calendar.on_or_after(end)
    return due, calendar.is_provisional(end, due)


def confirmation_due(calendar: WorkCalendar, signed_on: date) -> tuple[date, bool]:
    """Thirty days from the agreement taking effect (人民调解法 Art. 33), moved off rest days;
    and whether that rests on an estimated schedule."""
    due = calendar.deadline(signed_on, CONFIRMATION_DAYS)
    return due, calendar.is_provisional(signed_on + timedelta(days=CONFIRMATION_DAYS), due)
