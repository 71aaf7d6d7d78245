"""复诊 forms: recording a return visit and planning it."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    FollowUpMethod,
    Performance,
)
from cases.forms import DATETIME_INPUT, textarea
from clinic.lib import limits
from clinic.lib.inputs import DecimalInput


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    performance = forms.ChoiceField(
        label=_("Was the agreement performed?"), choices=Performance.choices
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Parties' satisfaction"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
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


class FollowUpVisitForm(forms.Form):
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
