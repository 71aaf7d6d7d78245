"""A professional's duty statement (履职情况) for a month or a quarter: what the roster knows
(sessions attended, on-site hours against the minimum, lectures) and what the apps that
declare a ``duty_figures`` hook know (the cases app: advice, consultations, home visits);
confirmed by the coordinator, which freezes the figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import Clinic, Membership, User
from scheduling import access
from scheduling.choices import ROSTER_ROLES, BookingStatus, SessionKind, SessionStatus
from scheduling.models import Booking, DutyStatement, RosterSettings

#: The figures of a statement, in the order of the page, the PDF and the workbook.
FIGURES = {
    "sessions": gettext_lazy("Clinic sessions attended"),
    "hours": gettext_lazy("On-site hours"),
    "minimum": gettext_lazy("Minimum on-site hours"),
    "advice": gettext_lazy("Advice given on cases"),
    "consultations": gettext_lazy("Joint consultations"),
    "home_visits": gettext_lazy("Home visits"),
    "lectures": gettext_lazy("Legal education lectures"),
}


class StatementRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4]))$")


@dataclass(frozen=True)
class Period:
    """A month (``2026-11``) or a quarter (``2026-Q4``)."""

    key: str
    starts_on: date
    ends_on: date  # the last day
    months: int

    @property
    def is_over(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def label(self) -> str:
        if self.months == 1:
            return _("%(year)d-%(month)02d") % {
                "year": self.starts_on.year,
                "month": self.starts_on.month,
            }
        return _("Q%(quarter)d %(year)d") % {
            "year": self.starts_on.year,
            "quarter": (self.starts_on.month - 1) // 3 + 1,
        }

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes, the end exclusive."""
        zone = timezone.get_current_timezone()
        start = datetime(self.starts_on.year, self.starts_on.month, 1, tzinfo=zone)
        following = self.ends_on + timedelta(days=1)
        return start, datetime(following.year, following.month, following.day, tzinfo=zone)


def check_period(text: str) -> Period:
    """``YYYY-MM`` or ``YYYY-Qn``; ``ValueError`` with the reader's message otherwise."""
    found = _PERIOD.match(text.strip())
    if found is None or not 2000 <= int(found[1]) <= 2100:
        raise ValueError(_("Give the period as YYYY-MM (a month) or YYYY-Qn (a quarter)."))
    year = int(found[1])
    if found[2] is not None:
        month = int(found[2])
        if not 1 <= month <= 12:
            raise ValueError(_("Give the period as YYYY-MM (a month) or YYYY-Qn (a quarter)."))
        first, months = date(year, month, 1), 1
    else:
        first, months = date(year, (int(found[3]) - 1) * 3 + 1, 1), 3
    last_month = first.month + months - 1
    following = date(year + last_month // 12, last_month % 12 + 1, 1)
    return Period(text.strip(), first, following - timedelta(days=1), months)


def current_period() -> Period:
    today = timezone.localdate()
    return check_period(f"{today.year:04d}-{today.month:02d}")


def roster_people(clinics: list[Clinic]) -> list[User]:
    """Everyone active on the roster of these clinics, by name."""
    people = [person for person, _clinic, _role in access.roster_of(clinics).values()]
    return sorted(people, key=lambda p: (p.display_name, p.pk))


def case_figures(
    people: list[User], starts_at: datetime, ends_at: datetime
) -> dict[int, dict[str, int]]:
    """The figures of every app declaring ``duty_figures`` on its config (a dotted path to a
    function of the people and the period, returning each one's figures by id), added up."""
    totals: dict[int, dict[str, int]] = {person.pk: {} for person in people}
    for config in apps.get_app_configs():
        path = getattr(config, "duty_figures", None)
        if not path:
            continue
        for person_id, figures in import_string(path)(people, starts_at, ends_at).items():
            mine = totals.setdefault(person_id, {})
            for key, value in figures.items():
                mine[key] = mine.get(key, 0) + value
    return totals


def duty_figures_for(people: list[User], period: Period) -> dict[int, dict[str, Any]]:
    """Each person's statement figures as they stand now, in a fixed number of queries. A
    session counts as attended when the person checked out or was marked present; a lecture
    is an attended session of the lecture kind; the minimum is the monthly minimum of the
    clinics they serve (the highest), times the months of the period."""
    start, end = period.bounds()
    ids = [person.pk for person in people]
    attended: dict[int, list[Booking]] = {pk: [] for pk in ids}
    for booking in (
        Booking.objects.filter(
            person__in=ids,
            status=BookingStatus.ACTIVE,
            seat__session__starts_at__gte=start,
            seat__session__starts_at__lt=end,
        )
        .exclude(seat__session__status=SessionStatus.CANCELLED)
        .select_related("seat__session")
    ):
        if booking.hours_on_site > 0:
            attended[booking.person_id].append(booking)
    clinics = list(Clinic.objects.select_related("community__street"))
    default = float(RosterSettings().minimum_hours)
    minimum_of = {
        clinic_id: float(hours)
        for clinic_id, hours in RosterSettings.objects.values_list("clinic", "minimum_hours")
    }
    monthly: dict[int, float] = dict.fromkeys(ids, 0.0)
    for membership in Membership.objects.active().filter(user__in=ids, role__in=ROSTER_ROLES):
        for clinic in clinics:
            if access._covers(membership, clinic):
                hours = minimum_of.get(clinic.pk, default)
                monthly[membership.user_id] = max(monthly[membership.user_id], hours)
    from_cases = case_figures(people, start, end)
    found = {}
    for pk in ids:
        mine = attended[pk]
        figures: dict[str, Any] = {
            "sessions": len(mine),
            "hours": round(float(sum(b.hours_on_site for b in mine)), 1),
            "minimum": round(monthly[pk] * period.months, 1),
            "advice": 0,
            "consultations": 0,
            "home_visits": 0,
            "lectures": sum(1 for b in mine if b.seat.session.kind == SessionKind.LECTURE),
        }
        figures.update(from_cases.get(pk, {}))
        found[pk] = figures
    return found


def duty_figures(person: User, period: Period) -> dict[str, Any]:
    """One person's statement figures as they stand now."""
    return duty_figures_for([person], period)[person.pk]


@transaction.atomic
def do_confirm_duty_statement(person: User, period: Period, *, actor: User) -> DutyStatement:
    """The coordinator confirms a statement: its figures and the person's unit are frozen as
    they stand. A period is confirmed once, and only once it is over (its figures would
    otherwise be frozen part-way)."""
    if not period.is_over:
        raise StatementRefused(
            _("This period is not over yet: it can be confirmed from %(day)s.")
            % {"day": (period.ends_on + timedelta(days=1)).isoformat()}
        )
    try:
        with transaction.atomic():
            return DutyStatement.objects.create(
                person=person,
                period=period.key,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                organisation=person.organisation,
                figures=duty_figures(person, period),
                confirmed_by=actor,
                confirmed_at=timezone.now(),
            )
    except IntegrityError as error:
        raise StatementRefused(
            _("The statement of %(person)s for %(period)s is already confirmed.")
            % {"person": person, "period": period.label}
        ) from error
