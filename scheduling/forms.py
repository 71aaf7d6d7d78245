"""Forms of the roster: they validate and clean."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits
from clinic.lib.inputs import DecimalInput, MonthInput, WholeNumberInput
from clinic.lib.versions import Change, RowVersionForm
from clinic.models import Clinic, Street, User
from scheduling.choices import Attendance, SessionKind
from scheduling.models import Booking, ClinicSession, Leave, RosterSettings, Seat, WeeklyPattern

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RosterSettings
        fields = [
            "judge_seats",
            "prosecutor_seats",
            "police_seats",
            "lawyer_seats",
            "minimum_hours",
            "max_shifts",
        ]
        widgets = {
            **{field: WholeNumberInput(attrs={"min": 0, "max": 10}) for field in fields[:4]},
            "minimum_hours": DecimalInput(attrs={"min": 0, "max": limits.MONTHLY_HOURS}),
            "max_shifts": WholeNumberInput(attrs={"min": 0, "max": limits.MONTHLY_SHIFTS}),
        }

    def clean_minimum_hours(self) -> Decimal:
        hours = self.cleaned_data["minimum_hours"]
        if hours < 0:
            raise forms.ValidationError(_("The monthly minimum cannot be negative."))
        if hours > limits.MONTHLY_HOURS:
            raise forms.ValidationError(
                _("The monthly minimum is at most %(hours)s hours."),
                params={"hours": limits.MONTHLY_HOURS},
            )
        return hours

    def clean_max_shifts(self) -> int:
        shifts = self.cleaned_data["max_shifts"]
        if shifts > limits.MONTHLY_SHIFTS:
            raise forms.ValidationError(
                _("At most %(shifts)s shifts a month."), params={"shifts": limits.MONTHLY_SHIFTS}
            )
        return shifts

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        seats = sum(data.get(f) or 0 for f in self.Meta.fields[:4])
        if seats == 0:
            raise forms.ValidationError(_("A session needs at least one seat."))
        for field in self.Meta.fields[:4]:
            if (data.get(field) or 0) > 10:
                self.add_error(field, _("At most 10 seats of one role."))
        hours, shifts = data.get("minimum_hours"), data.get("max_shifts")
        if hours is not None and shifts is not None and hours > shifts * limits.SESSION_HOURS:
            self.add_error(
                "minimum_hours",
                forms.ValidationError(
                    _(
                        "The minimum cannot be reached in %(shifts)s shifts of at most "
                        "%(hours)s hours: lower it or allow more shifts."
                    ),
                    params={"shifts": shifts, "hours": limits.SESSION_HOURS},
                ),
            )
        return data


class PatternForm(forms.ModelForm):
    class Meta:
        model = WeeklyPattern
        fields = ["weekday", "starts", "ends", "place", "kind"]
        widgets = {"starts": TIME, "ends": TIME}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The end must be after the start."))
        return data


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=limits.PLACE)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    note = forms.CharField(label=_("Note"), max_length=limits.LINE, required=False)
    publish = forms.BooleanField(label=_("Publish at once"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and starts < timezone.now():
            self.add_error("starts_at", _("A session cannot start in the past."))
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The end must be after the start."))
            elif ends - starts > timedelta(hours=limits.SESSION_HOURS):
                self.add_error("ends_at", _("A session lasts at most 12 hours."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.LINE)


# --- Forms that change a session, a seat or a leave: each carries the record's version -------


class CancelSessionForm(RowVersionForm, ReasonForm):
    """Cancelling a session as the page showed it (its time, place, status and note)."""

    tracked = ("status", "starts_at", "ends_at", "place", "note")

    def __init__(self, *args: Any, session: ClinicSession, **kwargs: Any) -> None:
        super().__init__(*args, record=session, **kwargs)


class SeatForm(RowVersionForm):
    """A change to a seat as the page showed it: who holds it, their check-in and check-out,
    their attendance. The bare form is a button (checking in or out, undoing a check-out)."""

    tracked = ("held_by", "holder_checked_in", "holder_checked_out", "holder_attendance")
    change_labels = {
        "held_by": Booking._meta.get_field("person").verbose_name,
        "holder_checked_in": Booking._meta.get_field("checked_in_at").verbose_name,
        "holder_checked_out": Booking._meta.get_field("checked_out_at").verbose_name,
        "holder_attendance": Booking._meta.get_field("attendance").verbose_name,
    }

    def __init__(self, *args: Any, seat: Seat, **kwargs: Any) -> None:
        super().__init__(*args, record=seat, **kwargs)

    def reworded(self, current: Any, change: Change) -> Change:
        change = super().reworded(current, change)
        if change.field == "holder_attendance":
            holder = current.holder
            value = holder.get_attendance_display() if holder and holder.attendance else "—"
            return Change(change.field, change.label, str(value))
        return change


class CancelBookingForm(SeatForm, ReasonForm):
    pass


class LeaveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME)
    reason = forms.CharField(label=_("Reason"), max_length=limits.LINE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The end must be after the start."))
            elif ends < timezone.now():
                self.add_error("ends_at", _("This period is already over."))
            elif ends - starts > timedelta(days=366):
                self.add_error("ends_at", _("Record at most a year at a time."))
        return data


class CancelLeaveForm(RowVersionForm):
    """Removing a leave as the page showed it."""

    tracked = ("starts_at", "ends_at", "reason")

    def __init__(self, *args: Any, leave: Leave, **kwargs: Any) -> None:
        super().__init__(*args, record=leave, **kwargs)


class AssignForm(SeatForm):
    """The professional the coordinator puts into an empty seat: one of those free then."""

    person = forms.TypedChoiceField(label=_("Professional"), coerce=int)

    def __init__(self, *args: Any, seat: Seat, people: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, seat=seat, **kwargs)
        self.people = {p.pk: p for p in people}
        field = cast(forms.TypedChoiceField, self.fields["person"])
        field.choices = [("", "—")] + [
            (p.pk, f"{p.display_name} · {p.organisation}" if p.organisation else p.display_name)
            for p in people
        ]

    def clean_person(self) -> User:
        return self.people[self.cleaned_data["person"]]


class AttendanceForm(SeatForm):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7, widget=MonthInput)

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        try:
            parsed = time.strptime(value, "%Y-%m")  # a year and a month, not a moment
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
        if not 2000 <= parsed.tm_year <= 2100:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return parsed.tm_year, parsed.tm_mon


class SuggestForm(MonthForm):
    scope = forms.ChoiceField(label=_("For"))

    def __init__(
        self, *args: Any, clinics: Sequence[Clinic], streets: Sequence[Street], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"clinic:{c.pk}", c.name) for c in clinics]
        choices += [
            (f"street:{s.pk}", _("All clinics of %(street)s") % {"street": s}) for s in streets
        ]
        # self.fields holds this form's copy of the ChoiceField declared above
        cast(forms.ChoiceField, self.fields["scope"]).choices = choices
        self.clinics, self.streets = list(clinics), list(streets)

    def clean_scope(self) -> list[Clinic]:
        kind, _sep, pk = self.cleaned_data["scope"].partition(":")
        if kind == "street":
            street = next((s for s in self.streets if str(s.pk) == pk), None)
            if street is None:
                raise forms.ValidationError(_("Choose one of the listed options."))
            return [c for c in self.clinics if c.community.street_id == street.pk]
        clinic = next((c for c in self.clinics if str(c.pk) == pk), None)
        if clinic is None:
            raise forms.ValidationError(_("Choose one of the listed options."))
        return [clinic]


def street_choices(clinics: list[Clinic]) -> list[Street]:
    seen: dict[int, Street] = {}
    for clinic in clinics:
        street = clinic.community.street
        seen.setdefault(street.pk, street)
    return list(seen.values())
