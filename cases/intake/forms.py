"""登记 and 受理 forms: disputes, advice, parties, consent, refusal, answering and declining."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DECLINE_OUTCOMES,
    DisputeType,
    IdType,
    NoticeMethod,
    Side,
    Source,
)
from cases.forms import CameOnFields, CaseFieldsForm, VersionedForm, textarea
from cases.models import Party
from clinic.lib import limits
from clinic.lib.ids import is_valid_resident_id, normalise_id_number
from clinic.lib.inputs import NameInput, PhoneField
from clinic.models import Clinic, Community, Grid


class PartyForm(forms.ModelForm):
    """A party as the mediator writes it down; the ID number's check digit is verified."""

    phone = PhoneField(label=_("Phone"), required=False)
    consented = forms.BooleanField(label=_("Agrees to mediation"), required=False, initial=True)
    notice_method = forms.ChoiceField(
        label=_("Told their rights and duties"),
        choices=[("", _("Not yet")), *NoticeMethod.choices],
        required=False,
    )

    class Meta:
        model = Party
        fields = [
            "side",
            "name",
            "gender",
            "id_type",
            "id_number",
            "phone",
            "address",
            "room",
            "elderly_alone",
            "disabled",
            "minor",
            "needs_interpreter",
        ]
        widgets = {"name": NameInput}

    def __init__(self, *args: Any, sides: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["id_type"].required = False
        if sides:
            # self.fields holds this form's copies of the model's fields
            cast(forms.ChoiceField, self.fields["side"]).choices = [
                (s, Side(s).label) for s in sides
            ]
        if self.instance.pk:
            del self.fields["consented"]
            del self.fields["notice_method"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        id_type, number = data.get("id_type"), (data.get("id_number") or "").strip()
        if number and not id_type:
            self.add_error("id_type", _("Say which document this number is from."))
        if id_type == IdType.RESIDENT_ID and number:
            if not is_valid_resident_id(number):
                self.add_error(
                    "id_number",
                    _("This is not a valid resident ID number: check the 18 characters."),
                )
            else:
                data["id_number"] = normalise_id_number(number)
        return data


class ConsentForm(forms.Form):
    consented = forms.BooleanField(label=_("Agrees to mediation"), required=False)
    notice_method = forms.ChoiceField(
        label=_("Told their rights and duties"),
        choices=[("", _("Not yet")), *NoticeMethod.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=limits.LINE, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("consented") and not data.get("notice_method"):
            raise forms.ValidationError(_("Record the consent, the notice, or both."))
        return data


class RefusalForm(forms.Form):
    note = forms.CharField(
        label=_("What the party said"), max_length=limits.LINE, widget=textarea(2)
    )


class RegisterDisputeForm(CameOnFields, CaseFieldsForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    clinic = forms.ModelChoiceField(
        label=_("Clinic"), queryset=Clinic.objects.none(), required=False
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    register_anyway = forms.BooleanField(
        label=_("I have checked the open cases above; register this one as well"), required=False
    )

    field_order = [
        "community",
        "came_on",
        "backdate_reason",
        "clinic",
        "grid",
        "source",
        "dispute_type",
        "summary",
        "risk",
    ]

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copies of the fields declared above
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = communities
        cast(forms.ModelChoiceField, self.fields["clinic"]).queryset = Clinic.objects.filter(
            community__in=communities
        )
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = Grid.objects.filter(
            community__in=communities
        ).select_related("community")
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        community = data.get("community")
        for field in ("clinic", "grid"):
            if data.get(field) and community and data[field].community_id != community.pk:
                self.add_error(field, _("Choose one in the same community."))
        return data


class AdviceForm(CameOnFields, forms.Form):
    """法律咨询 in one screen: the question, the answer, and who asked (optional)."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    dispute_type = forms.ChoiceField(
        label=_("Subject"), choices=DisputeType.choices, initial=DisputeType.OTHER
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.WALK_IN)
    question = forms.CharField(label=_("Question"), max_length=limits.SUMMARY, widget=textarea(3))
    answer = forms.CharField(label=_("Answer given"), max_length=limits.ANSWER, widget=textarea(4))
    name = forms.CharField(
        label=_("Name of the person asking"),
        max_length=limits.NAME,
        required=False,
        widget=NameInput,
    )
    phone = PhoneField(label=_("Their phone"), required=False)

    field_order = ["community", "came_on", "backdate_reason"]

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = communities
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()


class AnswerForm(VersionedForm):
    answer = forms.CharField(label=_("Answer given"), max_length=limits.ANSWER, widget=textarea(4))


class DeclineForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Why not accepted"), choices=[(o.value, o.label) for o in DECLINE_OUTCOMES]
    )
    note = forms.CharField(
        label=_("Reason and where the parties were guided"),
        max_length=limits.SUMMARY,
        widget=textarea(3),
    )
