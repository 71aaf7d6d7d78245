"""统计 forms: the scope and period of the figures."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.statistics import figures


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
