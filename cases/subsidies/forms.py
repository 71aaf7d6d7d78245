"""The subsidy pages' forms: a month, the district's rule, a file review, an approval."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import Difficulty
from cases.models import FileDefect, FileVerdict, SubsidyOutcome
from clinic.lib import limits
from clinic.lib.inputs import MonthInput, TextBox
from clinic.lib.versions import Change, RowVersionForm

#: The largest amount a rule names (yuan): ten thousand a case is already far beyond practice.
MAX_AMOUNT = Decimal("99999.99")


def parse_month(text: str) -> date:
    """``2026-09`` as the first of that month; ``ValidationError`` otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise forms.ValidationError(_("Give the month as 2026-09."))
    return date(int(match[1]), int(match[2]), 1)


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM`` (the browser's month picker), cleaned to its first day."""

    widget = MonthInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        return parse_month(text) if text else None


def _money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=MAX_AMOUNT,
        max_digits=7,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


def rate_field(difficulty: str, outcome: str) -> str:
    return f"rate_{difficulty}_{outcome}"


class RuleForm(RowVersionForm):
    """A district's rule from a month: the rate of a case for each grade and outcome, the extra
    for a passed file, the cap of a statement. Built with ``record=`` the month's stored rule
    (none: ``seen_version`` 0): the action ``claim``s it, so a save that lost to another
    admin's is told what they changed and is armed to be sent again."""

    tracked = ("rates", "file_bonus", "monthly_cap", "basis")
    change_labels = {"rates": gettext_lazy("Rates")}

    valid_from = MonthField(
        label=gettext_lazy("In force from (month)"),
        help_text=gettext_lazy(
            "Statements of this month and later use the rule; approved statements keep the "
            "figures they were approved with."
        ),
    )
    file_bonus = _money(gettext_lazy("Extra for a file that passed review (yuan)"))
    monthly_cap = _money(
        gettext_lazy("Cap per mediator and month (yuan)"),
        required=False,
        help_text=gettext_lazy("Leave empty for no cap."),
    )
    basis = forms.CharField(
        label=gettext_lazy("Basis"),
        required=False,
        max_length=limits.LINE,
        help_text=gettext_lazy("The county's document the rule follows, e.g. 盘司发〔2026〕5号."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for difficulty in Difficulty:
            for outcome in SubsidyOutcome:
                self.fields[rate_field(difficulty, outcome)] = _money(
                    f"{difficulty.label} · {outcome.label}"
                )
        self.order_fields([name for name in self.fields if not name.startswith("seen_")])

    def reworded(self, current: Any, change: Change) -> Change:
        """The rates another admin saved, cell by cell, rather than as stored."""
        if change.field != "rates":
            return change
        rates = current.rates
        cells = "；".join(
            f"{difficulty.label} · {outcome.label} {rates.get(difficulty, {}).get(outcome, '0')}"
            for difficulty in Difficulty
            for outcome in SubsidyOutcome
        )
        return Change(change.field, change.label, cells)

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The rates as the page lays them out: a row per grade, a box per outcome."""
        return [
            (
                str(difficulty.label),
                [self[rate_field(difficulty, outcome)] for outcome in SubsidyOutcome],
            )
            for difficulty in Difficulty
        ]

    def rates(self) -> dict[str, dict[str, str]]:
        """The rates as the rule stores them."""
        return {
            difficulty.value: {
                outcome.value: str(self.cleaned_data[rate_field(difficulty, outcome)])
                for outcome in SubsidyOutcome
            }
            for difficulty in Difficulty
        }


def rule_initial(rates: dict[str, dict[str, str]]) -> dict[str, str]:
    """A rule's stored rates as the form's initial values."""
    return {
        rate_field(difficulty, outcome): rates.get(difficulty, {}).get(outcome, "0")
        for difficulty in Difficulty
        for outcome in SubsidyOutcome
    }


class ReviewForm(forms.Form):
    """合格, or 不合格 with the reasons (at least one ticked, or said in words). ``seen_review``
    is the latest review the page showed ("" for none): another reviewer's since is a 409."""

    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"), choices=FileVerdict.choices, widget=forms.RadioSelect
    )
    defects = forms.MultipleChoiceField(
        label=gettext_lazy("Reasons"),
        choices=FileDefect.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("For a file that failed: tick what must be put right."),
    )
    note = forms.CharField(
        label=gettext_lazy("Remarks"),
        required=False,
        max_length=limits.SUMMARY,
        widget=TextBox(attrs={"rows": 3}),
    )
    seen_review = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def clean_seen_review(self) -> int | None:
        text = (self.cleaned_data.get("seen_review") or "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise forms.ValidationError(_("This page is out of date: reload it."))
        return int(text)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("verdict") == FileVerdict.FAILED and not (
            data.get("defects") or (data.get("note") or "").strip()
        ):
            self.add_error(
                "defects", _("Say why the file failed: tick a reason or write it in the remarks.")
            )
        if data.get("verdict") == FileVerdict.PASSED:
            data["defects"] = []
        return data


class ApproveForm(forms.Form):
    """审批: the statement as the page showed it (its fingerprint); changed since, it is a 409."""

    seen = forms.CharField(max_length=64, widget=forms.HiddenInput)
