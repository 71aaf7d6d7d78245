"""常见问答 forms: one common answer, and the subject filter of the picker."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.choices import DisputeType
from cases.forms import textarea
from clinic.lib import limits
from clinic.models import MediationCommittee

#: Subjects to file an answer under; none means it suits every subject.
SUBJECTS = [("", _("Any subject")), *DisputeType.choices]


class CommonAnswerForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=MediationCommittee.objects.none()
    )
    dispute_type = forms.ChoiceField(label=_("Subject"), choices=SUBJECTS, required=False)
    question = forms.CharField(label=_("Question as residents ask it"), max_length=limits.LINE)
    answer = forms.CharField(
        label=_("The answer usually given"), max_length=limits.ANSWER, widget=textarea(6)
    )
    active = forms.BooleanField(label=_("Offered on the advice form"), required=False)

    def __init__(
        self,
        *args: Any,
        committees: QuerySet[MediationCommittee] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if committees is None:  # editing: the answer stays with its committee
            del self.fields["committee"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["committee"])
            field.queryset = committees
            if len(committees) == 1:
                field.initial = committees[0]
                field.widget = forms.HiddenInput()
        if not editing:
            del self.fields["active"]


class SubjectFilterForm(forms.Form):
    """The picker's filter, sent by GET."""

    type = forms.ChoiceField(label=_("Subject"), choices=SUBJECTS, required=False)
