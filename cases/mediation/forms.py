"""调解 forms: ending and escalating mediation, records, agreements, performance items,
judicial confirmation, advice notes and files."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    TERMINATE_OUTCOMES,
    AgreementForm,
    AttachmentKind,
    Confirmation,
    RecordKind,
)
from cases.forms import DATE_INPUT, DATETIME_INPUT, VersionedForm, textarea
from cases.models import Agreement, MediationRecord, PerformanceItem
from clinic.lib import limits
from clinic.lib.inputs import AmountField, WholeNumberInput
from clinic.lib.uploads import HEIC, JPEG, PDF, PNG, UploadRejected, check_upload, clean_filename
from clinic.lib.versions import RowVersionForm
from clinic.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


ATTACHMENT_KINDS = frozenset({PDF, JPEG, PNG, HEIC})


class TerminateForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("How mediation ended"), choices=[(o.value, o.label) for o in TERMINATE_OUTCOMES]
    )
    note = forms.CharField(
        label=_("Reason and the advice given (e.g. guided to litigation)"),
        max_length=limits.SUMMARY,
        widget=textarea(3),
    )


class ReferOutForm(VersionedForm):
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=limits.ORGANISATION,
        help_text=_("For example 盘龙区人民法院"),
    )
    reference = forms.CharField(
        label=_("Their reference"), max_length=limits.REFERENCE, required=False
    )
    note = forms.CharField(
        label=_("Why it cannot be settled in the street"),
        max_length=limits.SUMMARY,
        widget=textarea(3),
    )


class EscalateForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why the street should take it"), max_length=limits.SUMMARY, widget=textarea(3)
    )


class SettleForm(VersionedForm):
    amount_agreed = AmountField(label=_("Amount agreed (yuan)"))
    follow_up_assignee = forms.ModelChoiceField(
        label=_("Who does the follow-up"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The mediator"),
        help_text=_("Or the grid worker of the parties' grid."),
    )

    def __init__(
        self, *args: Any, grid_workers: QuerySet[User] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if grid_workers is not None:
            # self.fields holds this form's copies of the fields declared above
            field = cast(forms.ModelChoiceField, self.fields["follow_up_assignee"])
            field.queryset = grid_workers


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why mediate again"), max_length=limits.SUMMARY, widget=textarea(3)
    )
    both_parties_ask = forms.BooleanField(
        label=_("Both parties ask to mediate again"), required=False
    )


class ExtendForm(VersionedForm):
    new_due = forms.DateField(label=_("New due date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=limits.LINE)
    consent = forms.CharField(
        label=_("Both parties' consent"),
        max_length=limits.LINE,
        help_text=_("How and when both parties agreed to the extension."),
    )

    def __init__(self, *args: Any, current_due: date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_due = current_due

    def clean_new_due(self) -> date:
        new_due = self.cleaned_data["new_due"]
        if new_due <= timezone.localdate():
            raise forms.ValidationError(_("The new due date must be in the future."))
        if self.current_due and new_due <= self.current_due:
            raise forms.ValidationError(_("The new due date must be later than the current one."))
        if new_due > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError(_("Extend by less than a year at a time."))
        return new_due


class RecordForm(forms.ModelForm):
    """A mediation record, or an investigation record (调查记录) of the facts; a mediation
    record unless said otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or RecordKind.MEDIATION

    class Meta:
        model = MediationRecord
        fields = ["kind", "held_at", "place", "attendees", "statements", "result"]
        widgets = {
            "held_at": DATETIME_INPUT,
            "attendees": textarea(2),
            "statements": textarea(8),
            "result": textarea(3),
        }


#: An agreement's terms: what its draft form edits, and what its signer must have seen.
AGREEMENT_TERMS = (
    "form",
    "facts",
    "responsibilities",
    "terms",
    "performance_manner",
    "performance_deadline",
    "copies",
)


class AgreementTermsForm(forms.ModelForm):
    """An agreement's terms as the law asks them of its form."""

    class Meta:
        model = Agreement
        fields = list(AGREEMENT_TERMS)
        widgets = {
            "facts": textarea(5),
            "responsibilities": textarea(3),
            "terms": textarea(5),
            "performance_manner": textarea(3),
            "performance_deadline": DATE_INPUT,
            "copies": WholeNumberInput,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("form") == AgreementForm.WRITTEN:
            for field in ("responsibilities", "performance_manner"):
                if not (data.get(field) or "").strip():
                    self.add_error(field, _("A written agreement must state this."))
            if (data.get("copies") or 0) < 2:
                self.add_error("copies", _("At least one copy for each party and the committee."))
        return data


class AgreementDraftForm(RowVersionForm, AgreementTermsForm):
    """A new draft, or a change to one (carrying the draft's version: two people editing one
    draft do not overwrite each other unseen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new draft has no version yet
            del self.fields["seen_version"]
            del self.fields["seen_values"]


class CorrectionForm(AgreementTermsForm):
    """A corrected version of a signed agreement: a new agreement, the signed one unchanged."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=limits.LINE)


class SignForm(RowVersionForm):
    """The signing records the draft as it was shown: changed since, it is shown again."""

    tracked = AGREEMENT_TERMS

    signed_on = forms.DateField(label=_("Signed and sealed on"), widget=DATE_INPUT)


class PerformanceItemForm(forms.ModelForm):
    class Meta:
        model = PerformanceItem
        fields = ["description", "amount", "due_on"]
        field_classes = {"amount": AmountField}
        widgets = {"due_on": DATE_INPUT}


class ConfirmationForm(RowVersionForm, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "confirmation",
            "confirmation_court",
            "confirmation_reference",
            "confirmation_applied_on",
            "confirmation_decided_on",
        ]
        widgets = {"confirmation_applied_on": DATE_INPUT, "confirmation_decided_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("confirmation")
        if status and not data.get("confirmation_court"):
            self.add_error("confirmation_court", _("Which court?"))
        if status in (Confirmation.CONFIRMED, Confirmation.REFUSED) and not data.get(
            "confirmation_decided_on"
        ):
            self.add_error("confirmation_decided_on", _("When did the court decide?"))
        return data


class AdviceNoteForm(forms.Form):
    role = forms.ChoiceField(label=_("Advising as"))
    text = forms.CharField(label=_("Advice"), max_length=limits.ANSWER, widget=textarea(5))

    def __init__(self, *args: Any, roles: list[tuple[str, StrOrPromise]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What it is"),
        # an agent's power of attorney is filed as theirs (PowerOfAttorneyForm), so that it
        # counts for them at acceptance
        choices=[c for c in AttachmentKind.choices if c[0] != AttachmentKind.POWER_OF_ATTORNEY],
        help_text=_(
            "An agent's power of attorney is uploaded from the agent's line among the parties."
        ),
    )
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or HEIC, up to 20 MB)"))
    description = forms.CharField(label=_("Description"), max_length=limits.LINE, required=False)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            self.checked = check_upload(
                upload, max_bytes=ATTACHMENT_MAX_BYTES, allowed=ATTACHMENT_KINDS
            )
        except UploadRejected as error:
            raise forms.ValidationError(error.message) from None
        self.checked_name = clean_filename(upload.name, self.checked.extension)
        return upload


class WithdrawAttachmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=limits.LINE,
        help_text=_("For example: uploaded to the wrong case, or the wrong page was scanned."),
    )


class PowerOfAttorneyForm(AttachmentForm):
    """An agent's 授权委托书: the scan, checked like every attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["file"].label = _("Power of attorney (PDF, JPEG, PNG or HEIC, up to 20 MB)")
