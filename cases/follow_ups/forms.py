"""复诊 forms: recording a return visit and planning it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    FollowUpMethod,
    Performance,
    Setback,
)
from cases.forms import DATETIME_INPUT, textarea
from clinic.lib import limits
from clinic.lib.inputs import DecimalInput
from clinic.lib.versions import RowVersionForm

#: The first, empty choice of a list nothing is chosen in until the person chooses.
CHOOSE = ("", _("Please choose"))


#: What a form about a follow-up compares with what was shown: who recorded it and what they
#: found, and the visit planned.
FOLLOW_UP_TRACKED = (
    "done_by",
    "method",
    "performance",
    "satisfaction",
    "findings",
    "new_risk",
    "setback_note",
    "appointment",
)


class FollowUpForm(RowVersionForm):
    """A return visit as found: no answer is chosen for the person (a default performance or
    satisfaction would inflate both figures)."""

    tracked = FOLLOW_UP_TRACKED

    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    performance = forms.ChoiceField(
        label=_("Was the agreement performed?"),
        choices=[CHOOSE, *Performance.choices],
        error_messages={"required": _("Choose whether the agreement was performed.")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Parties' satisfaction"),
        choices=[CHOOSE, *((str(n), str(n)) for n in range(5, 0, -1))],
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Choose how satisfied the parties are (1 to 5).")},
    )
    findings = forms.CharField(
        label=_("What was found"), max_length=limits.SUMMARY, widget=textarea(3)
    )
    new_risk = forms.CharField(
        label=_("New risk (if any)"),
        max_length=limits.SUMMARY,
        required=False,
        widget=textarea(2),
    )
    setbacks = forms.MultipleChoiceField(
        label=_("Since the settlement (tick what happened, if anything)"),
        choices=Setback.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    setback_note = forms.CharField(
        label=_("About it (the court, its decision and date, the case number)"),
        max_length=limits.NOTE,
        required=False,
        widget=textarea(2),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("setback_note", "").strip() and not data.get("setbacks"):
            self.add_error("setbacks", _("Tick what happened, or leave the note empty."))
        return data


class FollowUpVisitForm(RowVersionForm):
    tracked = FOLLOW_UP_TRACKED

    starts_at = forms.DateTimeField(label=_("Visit at"), widget=DATETIME_INPUT)
    hours = forms.DecimalField(
        label=_("Length (hours)"), min_value=0.5, max_value=4, initial=1, widget=DecimalInput
    )
    place = forms.CharField(label=_("Place"), max_length=limits.ADDRESS)

    def clean_starts_at(self) -> datetime:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise forms.ValidationError(_("A visit cannot be scheduled in the past."))
        return starts_at
