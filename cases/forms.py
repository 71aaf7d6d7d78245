"""Forms shared by the case pages: the version every case form carries, the case's own
fields, notes and assignment. Each workflow's forms live in its package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.boundfield import BoundWidget
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import dates
from cases.choices import (
    DIFFICULTY_DEFINITIONS,
    PREVENTED_HARMS,
    Difficulty,
    DisputeType,
    Risk,
    Source,
)
from cases.models import DisputeSubtype, Party
from cases.models.dispute_types import check_subtype_fits, grouped_subtypes
from cases.people import professional_choices
from clinic.lib import limits
from clinic.lib.inputs import AmountField, TextBox, WholeNumberInput
from clinic.models import Community, Grid, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def textarea(rows: int = 4) -> forms.Textarea:
    return TextBox(attrs={"rows": rows})


class CameOnFields(forms.Form):
    """The day the resident came, when the case is entered later (补录), and why; checked by
    ``cases.dates`` (today, or up to ``CLINIC_BACKDATE_DAYS`` back with a reason)."""

    came_on = forms.DateField(
        label=_("Day the resident came"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        required=False,  # today
    )
    backdate_reason = forms.CharField(
        label=_("Why it is entered later (if not today)"),
        max_length=limits.LINE,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("came_on"):
            try:
                dates.check_registration_day(data["came_on"], data.get("backdate_reason", ""))
            except ValidationError as error:
                self.add_error(None, error)
        return data


class VersionedForm(forms.Form):
    """Carries the case version the user saw; a stale one loses cleanly."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseFieldsForm(forms.Form):
    """The case's own facts, shared by registering and editing."""

    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=DisputeType.choices)
    # offered grouped by type (optgroups, no JavaScript needed); checked against the type
    dispute_subtype = forms.ModelChoiceField(
        label=_("Dispute subtype"),
        queryset=DisputeSubtype.objects.none(),
        required=False,
        help_text=_("Optional: the finer kind, listed under its dispute type."),
    )
    summary = forms.CharField(
        label=_("What the dispute is about"), max_length=limits.SUMMARY, widget=textarea(5)
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, required=False)
    amount_involved = AmountField(label=_("Amount involved (yuan)"))
    persons_involved = forms.IntegerField(
        label=_("Persons involved"),
        min_value=0,
        max_value=100000,
        initial=2,
        widget=WholeNumberInput,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.initial.get("dispute_subtype")  # a case's own, even if no longer offered
        groups = grouped_subtypes(getattr(keep, "pk", keep))
        subtype = cast(forms.ModelChoiceField, self.fields["dispute_subtype"])
        subtype.queryset = DisputeSubtype.objects.filter(
            pk__in=[pk for _label, group in groups for pk, _name in group]
        )
        subtype.choices = [("", _("Not given")), *groups]

    def clean_dispute_subtype(self) -> DisputeSubtype | None:
        """Under the type chosen above only (a field cleaned after the type)."""
        subtype: DisputeSubtype | None = self.cleaned_data.get("dispute_subtype")
        chosen = self.cleaned_data.get("dispute_type")
        if subtype is not None and chosen:
            try:
                check_subtype_fits(chosen, subtype)
            except ValidationError as refused:
                raise ValidationError(refused.message_dict["dispute_subtype"]) from None
        return subtype


#: 预防效果 as the form asks it: each harm's flag and the label of its persons.
PREVENTION_LABELS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "criminal": (_("Kept from turning criminal"), _("Persons (criminal)")),
    "suicide": (_("Suicide prevented"), _("Persons (suicide)")),
    "petition": (_("Mass petition prevented"), _("Persons (petition)")),
    "fight": (_("Mass fight prevented"), _("Persons (fight)")),
    "incident": (_("Mass incident prevented"), _("Persons (incident)")),
}


class PreventionFields(forms.Form):
    """预防效果: what the mediation prevented (``PREVENTED_HARMS``), each with the persons
    involved: at least one when ticked, none when not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for harm in PREVENTED_HARMS:
            flag, persons = PREVENTION_LABELS[harm]
            self.fields[f"prevented_{harm}"] = forms.BooleanField(label=flag, required=False)
            self.fields[f"prevented_{harm}_persons"] = forms.IntegerField(
                label=persons,
                min_value=0,
                max_value=100000,
                required=False,
                widget=WholeNumberInput,
            )
            if not self.initial.get(f"prevented_{harm}_persons"):
                self.initial[f"prevented_{harm}_persons"] = None  # a blank box, not "0"

    def prevention(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(flag, persons) of each harm, for the page's 预防效果 fieldset."""
        return [
            (self[f"prevented_{harm}"], self[f"prevented_{harm}_persons"])
            for harm in PREVENTED_HARMS
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for harm in PREVENTED_HARMS:
            flag, persons = f"prevented_{harm}", f"prevented_{harm}_persons"
            if persons in self.errors:
                continue
            count = data.get(persons) or 0
            if data.get(flag) and count < 1:
                self.add_error(persons, _("How many persons? At least one."))
            elif count and not data.get(flag):
                self.add_error(persons, _("Tick what was prevented, or leave its persons empty."))
            data[persons] = count
        return data


def difficulty_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Not graded yet")), *Difficulty.choices]


class CaseEditForm(VersionedForm, PreventionFields, CaseFieldsForm):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    difficulty = forms.ChoiceField(
        label=_("Difficulty grade"),
        choices=difficulty_choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("案件难度级别: the grade the county's subsidy per case (以案定补) pays by."),
    )

    def case_fields(self) -> list[forms.BoundField]:
        """The visible fields shown one after another (the grade and 预防效果 have their own
        fieldsets)."""
        return [
            field
            for field in self.visible_fields()
            if field.name != "difficulty" and not field.name.startswith("prevented_")
        ]

    def difficulty_options(self) -> list[tuple[BoundWidget, StrOrPromise]]:
        """Each grade's radio button with its written definition."""
        return [
            (option, DIFFICULTY_DEFINITIONS.get(option.data["value"], ""))
            for option in self["difficulty"]
        ]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copies of the fields declared above
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = Grid.objects.filter(
            community=community
        )


class NoteForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"), max_length=limits.NOTE, required=False, widget=textarea(2)
    )


class ProfessionalChoiceField(forms.MultipleChoiceField):
    """Choices are ``"<user id>:<role>"`` for each professional serving the community."""


def parse_professional(value: str) -> tuple[User, str]:
    user_id, role = value.split(":", 1)
    return User.objects.get(pk=int(user_id)), role


class AssignMediatorForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=User.objects.none())

    def __init__(self, *args: Any, mediators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mediator"]).queryset = mediators


class AssignProfessionalForm(forms.Form):
    professional = forms.ChoiceField(label=_("Professional"))

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["professional"]).choices = professional_choices(
            community
        )

    def clean_professional(self) -> tuple[User, str]:
        return parse_professional(self.cleaned_data["professional"])


#: The choice of ``RecuseForm.hand_to`` that sends the case to the street committee.
TO_THE_STREET = "street"


class RecuseForm(VersionedForm):
    """回避: who objects and why, and where the case goes: another mediator of the same
    committee, or, when it has none, the street committee (whose mediators may settle).
    Mediators of other committees are never offered: they may only be invited to a joint
    consultation (人民调解法 Art. 20)."""

    party = forms.ModelChoiceField(label=_("Party who objects"), queryset=Party.objects.none())
    reason = forms.CharField(
        label=_("Reason for the objection"), max_length=limits.NOTE, widget=textarea(2)
    )
    hand_to = forms.ChoiceField(label=_("The case goes to"))

    def __init__(
        self,
        *args: Any,
        parties: QuerySet[Party],
        mediators: QuerySet[User],
        may_escalate: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["party"]).queryset = parties
        self.mediators = {str(m.pk): m for m in mediators}
        choices: list[tuple[str, StrOrPromise]] = [(pk, str(m)) for pk, m in self.mediators.items()]
        if not choices and may_escalate:
            choices = [
                (TO_THE_STREET, _("No other mediator here: escalate to the street committee"))
            ]
        cast(forms.ChoiceField, self.fields["hand_to"]).choices = choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        choice = data.pop("hand_to", None)
        data["new_mediator"] = self.mediators.get(choice or "")
        data["escalate"] = choice == TO_THE_STREET
        return data


class StepAsideForm(VersionedForm):
    """The case's own mediator steps aside (自行回避): the reason is required; the coordinator
    assigns another mediator."""

    reason = forms.CharField(
        label=_("Why you step aside"),
        max_length=limits.NOTE,
        widget=textarea(2),
        help_text=_("For example: related to a party, or an interest in the outcome."),
    )


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Give the work to"), queryset=User.objects.none())

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = people
