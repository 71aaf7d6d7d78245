"""Forms of the cases app: they validate and clean; actions do the changing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DECLINE_OUTCOMES,
    TERMINATE_OUTCOMES,
    AgreementForm,
    AttachmentKind,
    Confirmation,
    DisputeType,
    FollowUpMethod,
    IdType,
    NoticeMethod,
    Performance,
    Risk,
    Side,
    Source,
    VisitOutcome,
)
from cases.models import Agreement, MediationRecord, Party, PerformanceItem
from clinic.lib.ids import is_valid_resident_id, normalise_id_number
from clinic.lib.uploads import (
    HEIC,
    JPEG,
    PDF,
    PNG,
    UploadRejected,
    check_upload,
    clean_filename,
)
from clinic.models import Clinic, Community, Grid, User, phone_validator

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = frozenset({PDF, JPEG, PNG, HEIC})

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.Form):
    """Carries the case version the user saw; a stale one loses cleanly."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Parties --------------------------------------------------------------------------------


class PartyForm(forms.ModelForm):
    """A party as the mediator writes it down; the ID number's check digit is verified."""

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

    def __init__(self, *args: Any, sides: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["gender"].required = False
        self.fields["id_type"].required = False
        if sides:
            self.fields["side"].choices = [(s, Side(s).label) for s in sides]
        if self.instance.pk:
            del self.fields["consented"]
            del self.fields["notice_method"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("consented") and not data.get("notice_method"):
            raise forms.ValidationError(_("Record the consent, the notice, or both."))
        return data


class RefusalForm(forms.Form):
    note = forms.CharField(label=_("What the party said"), max_length=200, widget=_textarea(2))


# --- Registering ----------------------------------------------------------------------------


class CaseFieldsForm(forms.Form):
    """The case's own facts, shared by registering and editing."""

    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=DisputeType.choices)
    summary = forms.CharField(label=_("What the dispute is about"), widget=_textarea(5))
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, required=False)
    amount_involved = forms.DecimalField(
        label=_("Amount involved (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    persons_involved = forms.IntegerField(
        label=_("Persons involved"), min_value=0, max_value=100000, initial=2
    )
    prevented_criminal = forms.BooleanField(label=_("Kept from turning criminal"), required=False)
    prevented_criminal_persons = forms.IntegerField(
        label=_("Persons (criminal)"), min_value=0, max_value=100000, required=False
    )
    prevented_petition = forms.BooleanField(label=_("Mass petition prevented"), required=False)
    prevented_petition_persons = forms.IntegerField(
        label=_("Persons (petition)"), min_value=0, max_value=100000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for flag in ("prevented_criminal", "prevented_petition"):
            persons = data.get(f"{flag}_persons") or 0
            if data.get(flag) and persons < 1:
                self.add_error(f"{flag}_persons", _("How many persons?"))
            data[f"{flag}_persons"] = persons if data.get(flag) else 0
        return data


class RegisterDisputeForm(CaseFieldsForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    clinic = forms.ModelChoiceField(
        label=_("Clinic"), queryset=Clinic.objects.none(), required=False
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    register_anyway = forms.BooleanField(
        label=_("I have checked the open cases above; register this one as well"), required=False
    )

    field_order = ["community", "clinic", "grid", "source", "dispute_type", "summary", "risk"]

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["clinic"].queryset = Clinic.objects.filter(community__in=communities)
        self.fields["grid"].queryset = Grid.objects.filter(
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


class AdviceForm(forms.Form):
    """法律咨询 in one screen: the question, the answer, and who asked (optional)."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    dispute_type = forms.ChoiceField(
        label=_("Subject"), choices=DisputeType.choices, initial=DisputeType.OTHER
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.WALK_IN)
    question = forms.CharField(label=_("Question"), widget=_textarea(3))
    answer = forms.CharField(label=_("Answer given"), widget=_textarea(4))
    name = forms.CharField(label=_("Name of the person asking"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("Their phone"), max_length=20, required=False, validators=[phone_validator]
    )

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()


class CaseEditForm(VersionedForm, CaseFieldsForm):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(community=community)


# --- Transitions ----------------------------------------------------------------------------


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=_textarea(2))


class AnswerForm(VersionedForm):
    answer = forms.CharField(label=_("Answer given"), widget=_textarea(4))


class DeclineForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Why not accepted"), choices=[(o.value, o.label) for o in DECLINE_OUTCOMES]
    )
    note = forms.CharField(label=_("Reason and where the parties were guided"), widget=_textarea(3))


class TerminateForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("How mediation ended"), choices=[(o.value, o.label) for o in TERMINATE_OUTCOMES]
    )
    note = forms.CharField(
        label=_("Reason and the advice given (e.g. guided to litigation)"), widget=_textarea(3)
    )


class ReferOutForm(VersionedForm):
    referred_to = forms.CharField(
        label=_("Referred to"), max_length=100, help_text=_("For example 盘龙区人民法院")
    )
    reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Why it cannot be settled in the street"), widget=_textarea(3))


class EscalateForm(VersionedForm):
    reason = forms.CharField(label=_("Why the street should take it"), widget=_textarea(3))


class ProfessionalChoiceField(forms.MultipleChoiceField):
    """Choices are ``"<user id>:<role>"`` for each professional serving the community."""


def professional_choices(community: Community) -> list[tuple[str, str]]:
    from clinic.choices import PROFESSIONAL_ROLES, Role
    from clinic.models import Membership

    memberships = (
        Membership.objects.active()
        .filter(role__in=PROFESSIONAL_ROLES, user__is_active=True)
        .filter(Q(community=community) | Q(level="street", street=community.street))
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    seen: dict[str, str] = {}
    for m in memberships:
        seen[f"{m.user_id}:{m.role}"] = f"{Role(m.role).label} · {m.user} ({m.user.organisation})"
    return list(seen.items())


def _parse_professional(value: str) -> tuple[User, str]:
    user_id, role = value.split(":", 1)
    return User.objects.get(pk=int(user_id)), role


class ConveneForm(VersionedForm):
    question = forms.CharField(label=_("Question for the professionals"), widget=_textarea(3))
    invitees = ProfessionalChoiceField(label=_("Invite"), widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(
        label=_("Meeting place"), max_length=100, initial=_("Clinic mediation room")
    )
    slot1 = forms.DateTimeField(label=_("Proposed time 1"), widget=DATETIME_INPUT)
    slot2 = forms.DateTimeField(label=_("Proposed time 2"), widget=DATETIME_INPUT, required=False)
    slot3 = forms.DateTimeField(label=_("Proposed time 3"), widget=DATETIME_INPUT, required=False)
    hours = forms.DecimalField(
        label=_("Length (hours)"), min_value=0.5, max_value=8, initial=1.5, decimal_places=1
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = professional_choices(community)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slots = [data.get(f"slot{i}") for i in (1, 2, 3) if data.get(f"slot{i}")]
        if any(slot < timezone.now() for slot in slots):
            raise forms.ValidationError(_("Proposed times must be in the future."))
        hours = data.get("hours")
        if hours:
            data["slots"] = [(slot, slot + timedelta(hours=float(hours))) for slot in slots]
        for key in ("slot1", "slot2", "slot3", "hours"):
            data.pop(key, None)
        return data

    def clean_invitees(self) -> list[tuple[User, str]]:
        chosen = [_parse_professional(v) for v in self.cleaned_data["invitees"]]
        if len({role for _user, role in chosen}) < 2:
            raise forms.ValidationError(_("Invite at least two professionals of different roles."))
        if len({user.pk for user, _role in chosen}) != len(chosen):
            raise forms.ValidationError(_("Invite each person once."))
        return chosen


class ConcludeForm(VersionedForm):
    joint_opinion = forms.CharField(label=_("Joint opinion"), widget=_textarea(5))
    attended = forms.CharField(label=_("Who attended"), max_length=500, widget=_textarea(2))
    settle_now = forms.BooleanField(
        label=_("Settle straight away (the agreement is signed)"), required=False
    )
    settle_now = forms.BooleanField(
        label=_("Settle straight away (the agreement is signed)"), required=False
    )


class SettleForm(VersionedForm):
    amount_agreed = forms.DecimalField(
        label=_("Amount agreed (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    follow_up_assignee = forms.ModelChoiceField(
        label=_("Who does the follow-up"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The mediator"),
        help_text=_("Or the grid worker of the parties' grid."),
    )

    def __init__(self, *args: Any, grid_workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grid_workers is not None:
            self.fields["follow_up_assignee"].queryset = grid_workers


class ReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Why mediate again"), widget=_textarea(3))
    both_parties_ask = forms.BooleanField(
        label=_("Both parties ask to mediate again"), required=False
    )


class ExtendForm(VersionedForm):
    new_due = forms.DateField(label=_("New due date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    consent = forms.CharField(
        label=_("Both parties' consent"),
        max_length=300,
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


# --- Assignment -----------------------------------------------------------------------------


class AssignMediatorForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=User.objects.none())

    def __init__(self, *args: Any, mediators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators


class AssignProfessionalForm(forms.Form):
    professional = forms.ChoiceField(label=_("Professional"))

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professional"].choices = professional_choices(community)

    def clean_professional(self) -> tuple[User, str]:
        return _parse_professional(self.cleaned_data["professional"])


class RecuseForm(VersionedForm):
    party = forms.ModelChoiceField(label=_("Party who objects"), queryset=Party.objects.none())
    reason = forms.CharField(label=_("Reason for the objection"), widget=_textarea(2))
    new_mediator = forms.ModelChoiceField(label=_("New mediator"), queryset=User.objects.none())

    def __init__(self, *args: Any, parties: Any, mediators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        self.fields["new_mediator"].queryset = mediators


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Give the work to"), queryset=User.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people


# --- Records, agreements, advice, attachments, follow-ups ----------------------------------


class RecordForm(forms.ModelForm):
    class Meta:
        model = MediationRecord
        fields = ["held_at", "place", "attendees", "statements", "result"]
        widgets = {
            "held_at": DATETIME_INPUT,
            "attendees": _textarea(2),
            "statements": _textarea(8),
            "result": _textarea(3),
        }

    def clean_held_at(self) -> Any:
        held_at = self.cleaned_data["held_at"]
        if held_at > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError(_("A record is written of a meeting that took place."))
        return held_at


class AgreementDraftForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "form",
            "facts",
            "responsibilities",
            "terms",
            "performance_manner",
            "performance_deadline",
            "copies",
        ]
        widgets = {
            "facts": _textarea(5),
            "responsibilities": _textarea(3),
            "terms": _textarea(5),
            "performance_manner": _textarea(3),
            "performance_deadline": DATE_INPUT,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("form") == AgreementForm.WRITTEN:
            for field in ("responsibilities", "performance_manner"):
                if not (data.get(field) or "").strip():
                    self.add_error(field, _("A written agreement must state this."))
            if (data.get("copies") or 0) < 2:
                self.add_error("copies", _("At least one copy for each party and the committee."))
        deadline = data.get("performance_deadline")
        if deadline and deadline < timezone.localdate():
            self.add_error("performance_deadline", _("The deadline cannot be in the past."))
        return data


class CorrectionForm(AgreementDraftForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed and sealed on"), widget=DATE_INPUT)

    def clean_signed_on(self) -> date:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("An agreement cannot be signed in the future."))
        return signed_on


class PerformanceItemForm(forms.ModelForm):
    class Meta:
        model = PerformanceItem
        fields = ["description", "amount", "due_on"]
        widgets = {"due_on": DATE_INPUT}


class ConfirmationForm(forms.ModelForm):
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
        data = super().clean()
        status = data.get("confirmation")
        if status and not data.get("confirmation_court"):
            self.add_error("confirmation_court", _("Which court?"))
        if status in (Confirmation.CONFIRMED, Confirmation.REFUSED) and not data.get(
            "confirmation_decided_on"
        ):
            self.add_error("confirmation_decided_on", _("When did the court decide?"))
        today = timezone.localdate()
        for field in ("confirmation_applied_on", "confirmation_decided_on"):
            if data.get(field) and data[field] > today:
                self.add_error(field, _("This date cannot be in the future."))
        return data


class AdviceNoteForm(forms.Form):
    role = forms.ChoiceField(label=_("Advising as"))
    text = forms.CharField(label=_("Advice"), widget=_textarea(5))

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or HEIC, up to 20 MB)"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.checked = check_upload(
                upload, max_bytes=ATTACHMENT_MAX_BYTES, allowed=ATTACHMENT_KINDS
            )
        except UploadRejected as error:
            raise forms.ValidationError(error.message) from None
        self.checked_name = clean_filename(upload.name, self.checked.extension)
        return upload


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    performance = forms.ChoiceField(
        label=_("Was the agreement performed?"), choices=Performance.choices
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Parties' satisfaction"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    findings = forms.CharField(label=_("What was found"), widget=_textarea(3))
    new_risk = forms.CharField(label=_("New risk (if any)"), required=False, widget=_textarea(2))


# --- Home visits ------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_KINDS = frozenset({JPEG, PNG, HEIC})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos, each JPEG, PNG or HEIC up to 10 MB, checked by content."""

    widget = MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/heic", "multiple": True}
    )

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
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
    resident_name = forms.CharField(label=_("Resident's name"), max_length=60)
    resident_phone = forms.CharField(
        label=_("Resident's phone"), max_length=20, required=False, validators=[phone_validator]
    )
    address = forms.CharField(
        label=_("Address (to the building)"),
        max_length=200,
        help_text=_("For example 金江路社区 12 栋"),
    )
    room = forms.CharField(label=_("Unit and room"), max_length=50, required=False)
    elderly_alone = forms.BooleanField(label=_("Elderly living alone"), required=False)
    disabled = forms.BooleanField(label=_("Disabled"), required=False)
    minor = forms.BooleanField(label=_("Minor"), required=False)
    needs_interpreter = forms.BooleanField(
        label=_("Needs an interpreter or dialect"), required=False
    )
    problem = forms.CharField(label=_("What the problem is"), widget=_textarea(3))
    dispute_type = forms.ChoiceField(
        label=_("Dispute type (if known)"),
        choices=[("", _("Not sure")), *DisputeType.choices],
        required=False,
    )
    risk = forms.ChoiceField(label=_("Urgency"), choices=Risk.choices, required=False)
    preferred_times = forms.CharField(
        label=_("Preferred times"),
        max_length=200,
        required=False,
        help_text=_("For example 工作日上午"),
    )
    photos = PhotosField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        if grids.count() == 1:
            self.fields["grid"].initial = grids.first()


class ScheduleVisitForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    professionals = forms.MultipleChoiceField(
        label=_("Professionals"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professionals"].choices = professional_choices(community) + mediator_choices(
            community
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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
            data["chosen"] = [_parse_professional(v) for v in data["professionals"]]
        return data


def mediator_choices(community: Community) -> list[tuple[str, str]]:
    from clinic.choices import Role
    from clinic.models import Membership

    members = (
        Membership.objects.active()
        .filter(role=Role.MEDIATOR, community=community, user__is_active=True)
        .select_related("user")
    )
    return [(f"{m.user_id}:mediator", f"{Role.MEDIATOR.label} · {m.user}") for m in members]


class VisitOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What was done"), widget=_textarea(3))
    answer = forms.CharField(label=_("Advice given"), widget=_textarea(3), required=False)
    respondent_name = forms.CharField(label=_("Other party's name"), max_length=60, required=False)
    respondent_phone = forms.CharField(
        label=_("Other party's phone"), max_length=20, required=False, validators=[phone_validator]
    )
    consented = forms.BooleanField(
        label=_("Both parties agree to mediation and were told their rights and duties"),
        required=False,
    )
    agreement_terms = forms.CharField(
        label=_("Terms agreed on the spot"), widget=_textarea(3), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == VisitOutcome.ADVICE and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write down the advice given."))
        if outcome in (VisitOutcome.ORAL, VisitOutcome.DISPUTE):
            if not (data.get("respondent_name") or "").strip():
                self.add_error("respondent_name", _("Who is the other party?"))
            if outcome == VisitOutcome.ORAL:
                if not data.get("consented"):
                    self.add_error("consented", _("An agreement needs both parties' consent."))
                if not (data.get("agreement_terms") or "").strip():
                    self.add_error("agreement_terms", _("Write down the terms agreed."))
        return data


class InvitationForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accepted", _("I will take part")), ("declined", _("I cannot take part"))],
        widget=forms.RadioSelect,
    )
    slots = forms.ModelMultipleChoiceField(
        label=_("Times I can attend"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slots"].queryset = slots


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("My opinion"), widget=_textarea(5))


class FixMeetingForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Meeting time"), queryset=None, widget=forms.RadioSelect)

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class FollowUpVisitForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Visit at"), widget=DATETIME_INPUT)
    hours = forms.DecimalField(label=_("Length (hours)"), min_value=0.5, max_value=4, initial=1)
    place = forms.CharField(label=_("Place"), max_length=200)

    def clean_starts_at(self) -> datetime:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise forms.ValidationError(_("A visit cannot be scheduled in the past."))
        return starts_at


class ArchiveForm(forms.Form):
    volume_no = forms.CharField(
        label=_("Volume number (卷号)"), max_length=40, help_text=_("For example 2026-盘金-017")
    )


class StatisticsForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"))
    period = forms.CharField(
        label=_("Period"),
        max_length=30,
        required=False,
        help_text=_("2026-09, 2026-Q3 or 2026; or give the dates below"),
    )
    first = forms.DateField(label=_("From"), widget=DATE_INPUT, required=False)
    last = forms.DateField(label=_("Until"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes

    def clean(self) -> dict[str, Any]:
        from cases import statistics

        data = super().clean()
        try:
            if data.get("first") and data.get("last"):
                data["period_obj"] = statistics.custom_period(data["first"], data["last"])
            elif data.get("period"):
                data["period_obj"] = statistics.parse_period(data["period"])
            else:
                today = timezone.localdate()
                data["period_obj"] = statistics.month_period(today.year, today.month)
        except ValueError:
            raise forms.ValidationError(
                _("Give the period as 2026-09, 2026-Q3, 2026, or two dates in order.")
            ) from None
        if (data["period_obj"].last - data["period_obj"].first).days > 3660:
            raise forms.ValidationError(_("Ask for ten years at most."))
        return data
