"""排查 forms: a sweep in a few thumb taps (today, the worker's own grid, scheduled), a dispute
found, what it became, and the ledger's filters."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.models import Case, SweepKind, VisitRequest
from clinic.lib import limits
from clinic.lib.inputs import MonthInput, WholeNumberInput
from clinic.lib.versions import RowVersionForm
from clinic.models import Community, Grid

#: A household count no one sweep reaches (a community has ~7,000).
MAX_HOUSEHOLDS = 20000
#: People in one dispute (a mass dispute is a few hundred).
MAX_PERSONS = 9999


class SweepFieldsForm(forms.Form):
    """What a sweep says, whether new or corrected."""

    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SweepKind.choices,
        initial=SweepKind.SCHEDULED,
        widget=forms.RadioSelect,
    )
    scope = forms.CharField(
        label=_("What was swept"),
        max_length=limits.LINE,
        help_text=_("For example 3–8 栋, 菜市场, or the topic of a special sweep"),
    )
    households = forms.IntegerField(
        label=_("Households visited"),
        min_value=0,
        max_value=MAX_HOUSEHOLDS,
        widget=WholeNumberInput,
    )
    participants = forms.CharField(label=_("Who took part"), max_length=limits.LINE, required=False)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("A sweep is recorded once it was done: not a future date.")
            )
        return day


class SweepForm(SweepFieldsForm):
    """A new sweep: where (the worker's own grid first; a coordinator may also choose the whole
    community), today, scheduled, and the worker as who took part."""

    place = forms.ChoiceField(label=_("Grid"))
    field_order = ["place", "day", "kind", "scope", "households", "participants"]

    def __init__(
        self,
        *args: Any,
        grids: QuerySet[Grid],
        communities: QuerySet[Community],
        who: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.places: dict[str, tuple[Community, Grid | None]] = {}
        choices: list[tuple[str, str]] = []
        for grid in grids:
            self.places[f"grid:{grid.pk}"] = (grid.community, grid)
            choices.append((f"grid:{grid.pk}", str(grid)))
        for community in communities:
            self.places[f"community:{community.pk}"] = (community, None)
            label = _("%(community)s (the whole community)") % {"community": community}
            choices.append((f"community:{community.pk}", str(label)))
        # self.fields holds this form's copy of the field declared above
        cast(forms.ChoiceField, self.fields["place"]).choices = choices
        if choices:
            self.fields["place"].initial = choices[0][0]
        self.fields["day"].initial = timezone.localdate
        self.fields["participants"].initial = who

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("place") in self.places:
            data["community"], data["grid"] = self.places[data.pop("place")]
        return data


class SweepEditForm(RowVersionForm, SweepFieldsForm):
    """A correction of a sweep; the second of two people saving is told what changed."""

    tracked = ("day", "kind", "scope", "households", "participants")


class FindingFieldsForm(forms.Form):
    description = forms.CharField(
        label=_("Dispute found"),
        max_length=limits.LINE,
        help_text=_("In a few words: who with whom, about what"),
    )
    persons = forms.IntegerField(
        label=_("People involved"),
        min_value=1,
        max_value=MAX_PERSONS,
        initial=2,
        widget=WholeNumberInput,
    )
    prevented = forms.BooleanField(label=_("Settled on the spot or prevented"), required=False)
    prevention_note = forms.CharField(
        label=_("What was done"),
        max_length=limits.LINE,
        required=False,
        help_text=_("Only for a dispute settled on the spot or prevented"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["prevention_note"] = (data.get("prevention_note") or "").strip()
        if data.get("prevented") and not data["prevention_note"]:
            self.add_error("prevention_note", _("Say what was done to settle or prevent it."))
        return data


class FindingForm(FindingFieldsForm):
    """A dispute found, added on the sweep's own page."""


class FindingEditForm(RowVersionForm, FindingFieldsForm):
    tracked = ("description", "persons", "prevented", "prevention_note")


#: A case number or a home-visit reference as printed: ``(2026)盘金人调字第17号``.
REFERENCE = re.compile(r"^[(（]\d{4}[)）].+第\d+号$")


class LinkFindingForm(forms.Form):
    """What a finding became, by its number: a home-visit request (巡字) or a case (人调字)."""

    reference = forms.CharField(
        label=_("Home-visit reference or case number"),
        max_length=limits.REFERENCE,
        help_text=_("For example (2026)盘金巡字第3号 or (2026)盘金人调字第17号"),
    )

    def __init__(
        self,
        *args: Any,
        visits: QuerySet[VisitRequest],
        cases: QuerySet[Case],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.visits = visits
        self.cases = cases

    def clean_reference(self) -> str:
        text = re.sub(r"\s+", "", self.cleaned_data["reference"])
        text = text.replace("（", "(").replace("）", ")")
        if not REFERENCE.match(text):
            raise forms.ValidationError(
                _("Type the number as printed, for example (2026)盘金巡字第3号.")
            )
        visit = self.visits.filter(reference=text).first()
        case = None if visit else self.cases.filter(number=text).first()
        if visit is None and case is None:
            raise forms.ValidationError(
                _("No home-visit request or case of this community has that number.")
            )
        self.cleaned_data["visit"], self.cleaned_data["case"] = visit, case
        return text


class LedgerFilterForm(forms.Form):
    """The ledger's filters: community, month, kind (each may be left open)."""

    community = forms.ChoiceField(label=_("Community"), required=False)
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=MonthInput,
        error_messages={"invalid": _("Choose a month (YYYY-MM).")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *SweepKind.choices], required=False
    )

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copy of the field declared above
        cast(forms.ChoiceField, self.fields["community"]).choices = [
            ("", _("All")),
            *((str(c.pk), c.name) for c in communities),
        ]
