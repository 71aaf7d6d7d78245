"""会诊 forms: convening, answering, opinions, fixing the meeting, concluding."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import (
    DATETIME_INPUT,
    ProfessionalChoiceField,
    VersionedForm,
    parse_professional,
    textarea,
)
from cases.models import ConsultationSlot
from cases.people import professional_choices
from clinic.lib import limits
from clinic.lib.inputs import DecimalInput
from clinic.lib.versions import RowVersionForm
from clinic.models import Community, User


class ConveneForm(VersionedForm):
    question = forms.CharField(
        label=_("Question for the professionals"), max_length=limits.SUMMARY, widget=textarea(3)
    )
    invitees = ProfessionalChoiceField(label=_("Invite"), widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(
        label=_("Meeting place"), max_length=limits.PLACE, initial=_("Clinic mediation room")
    )
    slot1 = forms.DateTimeField(label=_("Proposed time 1"), widget=DATETIME_INPUT)
    slot2 = forms.DateTimeField(label=_("Proposed time 2"), widget=DATETIME_INPUT, required=False)
    slot3 = forms.DateTimeField(label=_("Proposed time 3"), widget=DATETIME_INPUT, required=False)
    hours = forms.DecimalField(
        label=_("Length (hours)"),
        min_value=0.5,
        max_value=8,
        initial=1.5,
        decimal_places=1,
        widget=DecimalInput,
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copies of the fields declared above
        cast(forms.ChoiceField, self.fields["invitees"]).choices = professional_choices(community)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        slots: list[datetime] = [data[f"slot{i}"] for i in (1, 2, 3) if data.get(f"slot{i}")]
        if any(slot < timezone.now() for slot in slots):
            raise forms.ValidationError(_("Proposed times must be in the future."))
        hours = data.get("hours")
        if hours:
            data["slots"] = [(slot, slot + timedelta(hours=float(hours))) for slot in slots]
        for key in ("slot1", "slot2", "slot3", "hours"):
            data.pop(key, None)
        return data

    def clean_invitees(self) -> list[tuple[User, str]]:
        chosen = [parse_professional(v) for v in self.cleaned_data["invitees"]]
        if len({role for _user, role in chosen}) < 2:
            raise forms.ValidationError(_("Invite at least two professionals of different roles."))
        if len({user.pk for user, _role in chosen}) != len(chosen):
            raise forms.ValidationError(_("Invite each person once."))
        return chosen


class ConcludeForm(VersionedForm):
    joint_opinion = forms.CharField(
        label=_("Joint opinion"), max_length=limits.ANSWER, widget=textarea(5)
    )
    attended = forms.CharField(label=_("Who attended"), max_length=limits.NOTE, widget=textarea(2))
    settle_now = forms.BooleanField(
        label=_("Settle straight away (the agreement is signed)"), required=False
    )


#: What the invitee's forms compare with what was shown: their answer, the times they can
#: come and their opinion (two tabs of the one person, or the convener's page, may differ).
INVITEE_TRACKED = ("response", "available", "opinion")


class InvitationForm(RowVersionForm):
    tracked = INVITEE_TRACKED

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accepted", _("I will take part")), ("declined", _("I cannot take part"))],
        widget=forms.RadioSelect,
    )
    slots = forms.ModelMultipleChoiceField(
        label=_("Times I can attend"),
        queryset=ConsultationSlot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, slots: QuerySet[ConsultationSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["slots"]).queryset = slots


class OpinionForm(RowVersionForm):
    tracked = INVITEE_TRACKED

    opinion = forms.CharField(label=_("My opinion"), max_length=limits.ANSWER, widget=textarea(5))


class FixMeetingForm(RowVersionForm):
    """The convener's choice of time, carrying the consultation's version: a time fixed
    meanwhile by another convener is shown, not overwritten unseen."""

    tracked = ("meeting", "joint_opinion")

    slot = forms.ModelChoiceField(
        label=_("Meeting time"),
        queryset=ConsultationSlot.objects.none(),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, slots: QuerySet[ConsultationSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["slot"]).queryset = slots
