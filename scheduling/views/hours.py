"""On-site hours per professional and clinic in a month (page and CSV)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.choices import Role
from clinic.lib.export import safe_cell
from scheduling import access, forms
from scheduling.actions.sessions import month_bounds, roster_settings
from scheduling.choices import BookingStatus
from scheduling.models import Booking


def hours_report(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """On-site hours per professional and clinic in a month, against the clinic's minimum."""
    managed = list(access.managed_clinics(request.user).select_related("community__street"))
    if not managed:
        raise NotPermitted("roster", "", "hours")
    form = forms.MonthForm(request.GET or None)
    today = timezone.localdate()
    year, month = form.cleaned_data["month"] if form.is_valid() else (today.year, today.month)
    start, end = month_bounds(year, month)
    bookings = (
        Booking.objects.filter(
            seat__session__clinic__in=managed,
            seat__session__starts_at__gte=start,
            seat__session__starts_at__lt=end,
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("person", "seat__session__clinic__community__street")
    )
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for booking in bookings:
        clinic = booking.seat.session.clinic
        row = rows.setdefault(
            (booking.person_id, clinic.pk),
            {
                "person": booking.person,
                "clinic": clinic,
                "role": booking.role,
                "shifts": 0,
                "hours": 0.0,
            },
        )
        row["shifts"] += 1
        row["hours"] += booking.hours_on_site
    booked_people = {person_id for person_id, _clinic in rows}
    for person_id, (person, clinic, role) in access.roster_of(managed).items():
        if person_id in booked_people:
            continue
        rows[person.pk, clinic.pk] = {
            "person": person,
            "clinic": clinic,
            "role": role,
            "shifts": 0,
            "hours": 0.0,
        }
    minimum = {c.pk: float(roster_settings(c).minimum_hours) for c in managed}
    # those with no shift at all first: they are furthest below the minimum
    table = sorted(
        rows.values(),
        key=lambda r: (r["shifts"] > 0, r["clinic"].name, r["person"].display_name),
    )
    for row in table:
        row["minimum"] = minimum[row["clinic"].pk]
        row["short"] = row["hours"] < row["minimum"]
    if request.GET.get("format") == "csv":
        return _hours_csv(table, year, month)
    by_street: dict[str, float] = defaultdict(float)
    for row in table:
        by_street[row["clinic"].community.street.name] += row["hours"]
    return render(
        request,
        "scheduling/hours_report.html",
        {
            "form": form,
            "table": table,
            "year": year,
            "month": month,
            "by_street": dict(by_street),
            "month_value": f"{year:04d}-{month:02d}",
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _hours_csv(table: list[dict[str, Any]], year: int, month: int) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = [
        _("Street"),
        _("Clinic"),
        _("Name"),
        _("Organisation"),
        _("Role"),
        _("Shifts"),
        _("Hours"),
        _("Monthly minimum"),
    ]

    # Each cell is made now, in the person's language (the response streams after the view).
    lines = [
        [
            safe_cell(row["clinic"].community.street.name),
            safe_cell(row["clinic"].name),
            safe_cell(row["person"].display_name),
            safe_cell(row["person"].organisation),
            str(Role(row["role"]).label) if row["role"] in Role.values else "",
            row["shifts"],
            f"{row['hours']:.1f}",
            f"{row['minimum']:.1f}",
        ]
        for row in table
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for line in lines:
            yield writer.writerow(line)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hours-{year:04d}-{month:02d}.csv"'
    return response
