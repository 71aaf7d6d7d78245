"""巡诊 forms: the request with its photos, scheduling and the outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DisputeType,
    Risk,
    VisitOutcome,
)
from cases.forms import DATE_INPUT, DATETIME_INPUT, parse_professional, textarea
from cases.people import mediator_choices, professional_choices
from clinic.lib import limits
from clinic.lib.inputs import NameInput, PhoneField
from clinic.lib.uploads import (
    HEIC,
    JPEG,
    PNG,
    CheckedUpload,
    UploadRejected,
    check_upload,
    clean_filename,
)
from clinic.lib.versions import RowVersionForm
from clinic.models import Community, Grid

PHOTO_MAX_BYTES = 10 * 1024 * 1024


PHOTO_KINDS = frozenset({JPEG, PNG, HEIC})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos, each JPEG, PNG or HEIC up to 10 MB, checked by content."""

    widget = MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/heic", "multiple": True}
    )

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > 6:
            raise forms.ValidationError(_("At most 6 photos."))
        checked = []
        for upload in files:
            try:
                checked.append(check_upload(upload, max_bytes=PHOTO_MAX_BYTES, allowed=PHOTO_KINDS))
            except UploadRejected as error:
                shown = clean_filename(upload.name, upload.name.rsplit(".", 1)[-1][:5] or "jpg")
                raise forms.ValidationError(f"{shown}: {error.message}") from None
        return checked


class VisitRequestForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    resident_name = forms.CharField(
        label=_("Resident's name"), max_length=limits.NAME, widget=NameInput
    )
    resident_phone = PhoneField(label=_("Resident's phone"), required=False)
    address = forms.CharField(
        label=_("Address (to the building)"),
        max_length=limits.ADDRESS,
        help_text=_("For example 金江路社区 12 栋"),
    )
    room = forms.CharField(label=_("Unit and room"), max_length=limits.ROOM, required=False)
    elderly_alone = forms.BooleanField(label=_("Elderly living alone"), required=False)
    disabled = forms.BooleanField(label=_("Disabled"), required=False)
    minor = forms.BooleanField(label=_("Minor"), required=False)
    needs_interpreter = forms.BooleanField(
        label=_("Needs an interpreter or dialect"), required=False
    )
    problem = forms.CharField(
        label=_("What the problem is"), max_length=limits.SUMMARY, widget=textarea(3)
    )
    dispute_type = forms.ChoiceField(
        label=_("Dispute type (if known)"),
        choices=[("", _("Not sure")), *DisputeType.choices],
        required=False,
    )
    risk = forms.ChoiceField(label=_("Urgency"), choices=Risk.choices, required=False)
    preferred_times = forms.CharField(
        label=_("Preferred times"),
        max_length=limits.LINE,
        required=False,
        help_text=_("For example 工作日上午"),
    )
    photos = PhotosField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds this form's copies of the fields declared above
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = grids
        if grids.count() == 1:
            self.fields["grid"].initial = grids.first()


#: What a form about a request compares with what was shown: its state, the visit's time and
#: place, and what a second request for the same resident may have added (personal data
#: masked in the list of changes).
VISIT_TRACKED = (
    "status",
    "visit_starts_at",
    "visit_ends_at",
    "place",
    "outcome",
    "cancel_reason",
    "risk",
    "resident_phone",
    "room",
    "preferred_times",
    "elderly_alone",
    "disabled",
    "minor",
    "needs_interpreter",
)


class ScheduleVisitForm(RowVersionForm):
    tracked = VISIT_TRACKED

    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=limits.ADDRESS)
    professionals = forms.MultipleChoiceField(
        label=_("Professionals"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: who may be chosen, as ``("<user id>:<role>", label)``
        self.people = professional_choices(community) + mediator_choices(community)
        # self.fields holds this form's copy of the field declared above
        cast(forms.ChoiceField, self.fields["professionals"]).choices = self.people

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            start = timezone.make_aware(datetime.combine(day, starts))
            end = timezone.make_aware(datetime.combine(day, ends))
            if end <= start:
                self.add_error("ends", _("The end must be after the start."))
            elif start < timezone.now():
                self.add_error("day", _("A visit cannot be scheduled in the past."))
            data["starts_at"], data["ends_at"] = start, end
        if data.get("professionals"):
            data["chosen"] = [parse_professional(v) for v in data["professionals"]]
        return data


class CancelVisitForm(RowVersionForm):
    tracked = VISIT_TRACKED

    note = forms.CharField(label=_("Reason"), max_length=limits.LINE, widget=textarea(2))


class VisitOutcomeForm(RowVersionForm):
    tracked = VISIT_TRACKED

    visited_at = forms.DateTimeField(label=_("Visited at"), widget=DATETIME_INPUT, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What was done"), max_length=limits.SUMMARY, widget=textarea(3))
    answer = forms.CharField(
        label=_("Advice given"), max_length=limits.ANSWER, widget=textarea(3), required=False
    )
    respondent_name = forms.CharField(
        label=_("Other party's name"), max_length=limits.NAME, required=False, widget=NameInput
    )
    respondent_phone = PhoneField(label=_("Other party's phone"), required=False)
    # Each party's own consent, asked at the door; never ticked in advance.
    applicant_consented = forms.BooleanField(
        label=_("The resident agrees to mediation and was told their rights and duties"),
        required=False,
    )
    respondent_consented = forms.BooleanField(
        label=_("The other party agrees to mediation and was told their rights and duties"),
        required=False,
        help_text=_(
            "With both consents the dispute is accepted and mediated on patrol; without them "
            "it waits, registered, for the community's mediator."
        ),
    )
    agreement_terms = forms.CharField(
        label=_("Terms agreed on the spot"),
        max_length=limits.ANSWER,
        widget=textarea(3),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        outcome = data.get("outcome")
        if outcome == VisitOutcome.ADVICE and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write down the advice given."))
        if outcome in (VisitOutcome.ORAL, VisitOutcome.DISPUTE):
            if not (data.get("respondent_name") or "").strip():
                self.add_error("respondent_name", _("Who is the other party?"))
            if outcome == VisitOutcome.ORAL:
                for field in ("applicant_consented", "respondent_consented"):
                    if not data.get(field):
                        self.add_error(field, _("An agreement needs both parties' consent."))
                if not (data.get("agreement_terms") or "").strip():
                    self.add_error("agreement_terms", _("Write down the terms agreed."))
        return data


class SimilarRequestForm(forms.Form):
    """The answer to "可能重复": the id of the similar request to add this one to
    (``merge_into``), or ``new`` to send it as a new request all the same (``distinct``)."""

    similar = forms.RegexField(regex=r"^(new|[1-9][0-9]{0,17})$", required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        value = data.get("similar") or ""
        data["distinct"] = value == "new"
        data["merge_into"] = int(value) if value.isdigit() else None
        return data
