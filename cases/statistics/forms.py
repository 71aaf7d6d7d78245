"""统计 forms: the scope and period of the figures; filing, reviewing and returning a
committee's report."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.statistics import figures, filing
from clinic.lib.inputs import TextBox
from clinic.lib.versions import RowVersionForm


class StatisticsForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"))
    period = forms.CharField(
        label=_("Period"),
        max_length=30,
        required=False,
        help_text=_("2026-09, 2026-Q3 or 2026; or give the dates below"),
    )
    first = forms.DateField(label=_("From"), widget=DATE_INPUT, required=False)
    last = forms.DateField(label=_("Until"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copy of the field declared above
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            if data.get("first") and data.get("last"):
                data["period_obj"] = figures.custom_period(data["first"], data["last"])
            elif data.get("period"):
                data["period_obj"] = figures.parse_period(data["period"])
            else:
                today = timezone.localdate()
                data["period_obj"] = figures.month_period(today.year, today.month)
        except ValueError:
            raise forms.ValidationError(
                _("Give the period as 2026-09, 2026-Q3, 2026, or two dates in order.")
            ) from None
        if (data["period_obj"].last - data["period_obj"].first).days > 3660:
            raise forms.ValidationError(_("Ask for ten years at most."))
        return data


# --- Committee reports --------------------------------------------------------------------


class FillReportForm(forms.Form):
    """填报: a note for each warning the checks raised (required), and what the filer saw: the
    figures' fingerprint, and a returned report's version (filed again in its place)."""

    seen_figures = forms.CharField(widget=forms.HiddenInput)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, concerns: list[filing.Concern] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.concerns = list(concerns or [])
        self.fields["seen_figures"].error_messages["required"] = _(
            "This page is out of date: reload it and file again."
        )
        for concern in self.concerns:
            self.fields[f"note_{concern.code}"] = forms.CharField(
                label=concern.text,
                max_length=1000,
                widget=TextBox(attrs={"rows": 2}),
                error_messages={"required": _("Write a note on this warning before filing.")},
            )

    def notes(self) -> list[dict[str, str]]:
        """Each warning with the note written for it (as the filing keeps them)."""
        return [
            {
                "code": concern.code,
                "text": concern.text,
                "note": self.cleaned_data[f"note_{concern.code}"].strip(),
            }
            for concern in self.concerns
        ]

    def note_fields(self) -> list[forms.BoundField]:
        return [self[f"note_{concern.code}"] for concern in self.concerns]


class ReviewReportForm(RowVersionForm):
    """审核通过 or 上报: the report's version as the page showed it (two reviewers at once: the
    first wins, the second is told what changed)."""

    tracked = ("state", "return_reason", "reviewed_by")


class ReturnReportForm(ReviewReportForm):
    """退回, with the reason the committee reads."""

    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=2000,
        widget=TextBox(attrs={"rows": 3}),
        help_text=_("The committee reads it and files the report again."),
    )
