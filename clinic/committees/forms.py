"""The committee pages' forms: they validate and clean only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.choices import CASE_HOLDING_KINDS, CommitteeKind
from clinic.lib.inputs import NameInput
from clinic.lib.versions import RowVersionForm
from clinic.models import (
    CommitteeMember,
    MediationCommittee,
    SealUse,
    Street,
    TrainingRecord,
    User,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: The detail each type of committee needs: (field, message when it is missing).
KIND_DETAILS = {
    CommitteeKind.PROFESSIONAL: ("field", _("Say which field the committee serves.")),
    CommitteeKind.STATIONED: ("stationed_at", _("Say where the committee is stationed.")),
    CommitteeKind.STUDIO: ("studio_mediator", _("Give the mediator the studio is named after.")),
}


def _not_future(value: Any) -> Any:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class CommitteeForm(forms.ModelForm):
    """A committee that holds no cases (企事业, 行业专业, 派驻, 个人调解工作室): it belongs to a
    street; it has no community and no case-number prefix."""

    kind = forms.ChoiceField(
        label=_("Committee type"),
        choices=[(v, label) for v, label in CommitteeKind.choices if v not in CASE_HOLDING_KINDS],
    )

    class Meta:
        model = MediationCommittee
        fields = [
            "name",
            "seal_name",
            "code",
            "kind",
            "field",
            "stationed_at",
            "studio_mediator",
            "street",
        ]

    def __init__(self, *args: Any, streets: QuerySet[Street], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["street"]).queryset = streets

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        kind = data.get("kind")
        for other, (name, message) in KIND_DETAILS.items():
            if kind == other and not data.get(name):
                self.add_error(name, message)
            elif kind != other:
                data[name] = ""
        return data


class MemberForm(forms.ModelForm):
    """A new member: a user of the system (their name is taken) or just a name."""

    class Meta:
        model = CommitteeMember
        fields = [
            "user",
            "name",
            "position",
            "employment",
            "certificate_no",
            "started_on",
            "ended_on",
        ]
        widgets = {"name": NameInput, "started_on": DATE, "ended_on": DATE}

    def __init__(
        self, *args: Any, committee: MediationCommittee, people: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        user = cast(forms.ModelChoiceField, self.fields["user"])
        user.queryset = people
        user.help_text = _("If they use this system; else type their name below.")
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        person, started, ended = data.get("user"), data.get("started_on"), data.get("ended_on")
        if person is not None:
            data["name"] = person.get_full_name() or str(person)
        elif not data.get("name"):
            self.add_error("name", _("Choose a user or type a name."))
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end is before the start."))
        if person is not None and ended is None:
            current = CommitteeMember.objects.filter(
                committee=self.committee, user=person, ended_on=None
            ).exclude(pk=self.instance.pk)
            if current.exists():
                self.add_error("user", _("They already hold a position on this committee."))
        return data


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["held_on", "hours", "topic"]
        widgets = {"held_on": DATE}

    def clean_held_on(self) -> Any:
        return _not_future(self.cleaned_data.get("held_on"))


class SealUseForm(forms.ModelForm):
    """One use of the seal; a case, if any, by a number this committee issued."""

    class Meta:
        model = SealUse
        fields = [
            "used_on",
            "document",
            "case_number",
            "copies",
            "purpose",
            "applicant",
            "approved_by",
        ]
        widgets = {"used_on": DATE, "applicant": NameInput, "approved_by": NameInput}

    def __init__(self, *args: Any, issued: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issued = issued

    def clean_used_on(self) -> Any:
        return _not_future(self.cleaned_data.get("used_on"))

    def clean_case_number(self) -> str:
        number = (self.cleaned_data.get("case_number") or "").strip()
        if number and not self.issued(number):
            raise forms.ValidationError(_("This committee issued no case with this number."))
        return number


class MemberEditForm(RowVersionForm, MemberForm):
    """A member's changes, with the version of the member the page showed."""
