"""The district admin's form for one dispute subtype."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import DisputeSubtype
from clinic.lib.inputs import WholeNumberInput
from clinic.lib.versions import RowVersionForm


class DisputeSubtypeForm(RowVersionForm, forms.ModelForm):
    """A subtype's name, code, the one official type it counts under, its place in the list
    and whether it is offered. Editing carries the version the admin saw (409 if someone
    else saved it since)."""

    class Meta:
        model = DisputeSubtype
        fields = ["name", "code", "dispute_type", "order", "active"]
        widgets = {"order": WholeNumberInput}
        help_texts = {
            "dispute_type": _(
                "The one of the 15 official types it counts under in every report; it cannot "
                "change once a case carries the subtype."
            ),
            "order": _("Smaller first, within its dispute type."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["order"].required = False
        if not self.instance.pk:  # a new subtype has no version yet
            del self.fields["seen_version"]
            del self.fields["seen_values"]

    def clean_dispute_type(self) -> str:
        chosen: str = self.cleaned_data["dispute_type"]
        subtype = self.instance
        if subtype.pk and chosen != subtype.dispute_type and subtype.cases.exists():
            raise forms.ValidationError(
                _(
                    "Cases already carry this subtype under its type: stop offering it and "
                    "add a new one under the other type instead."
                )
            )
        return chosen

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0
