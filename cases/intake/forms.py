"""登记 and 受理 forms: disputes, advice, parties, consent, refusal, answering and declining."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DECLINE_OUTCOMES,
    DisputeType,
    IdType,
    NoticeMethod,
    PartyKind,
    Side,
    Source,
)
from cases.forms import CameOnFields, CaseFieldsForm, VersionedForm, textarea
from cases.intake.actions import GUARDIAN_CONSENTS
from cases.models import Case, Party
from cases.models.parties import ACTING_SIDES
from clinic.lib import limits
from clinic.lib.credit_codes import is_valid_credit_code, normalise_credit_code
from clinic.lib.ids import is_minor, is_valid_resident_id, normalise_id_number
from clinic.lib.inputs import NameInput, PhoneField
from clinic.lib.names import name_key
from clinic.lib.versions import RowVersionForm
from clinic.models import Clinic, Community, Grid

#: A party's personal data: not written to any log (``sensitive_post_parameters``), and shown
#: masked in the edit form unless the person may reveal it.
PARTY_PERSONAL = (
    "name",
    "id_number",
    "phone",
    "address",
    "room",
    "responsible_person",
    "responsible_phone",
)

#: The fields that describe a person only, and those that describe a unit only (法人,
#: 非法人组织). The form shows both without JavaScript, each marked with ``data-party-kind``
#: (static/js/party_kind.js hides the other kind's); the server decides by the type sent.
PERSON_ONLY = ("gender", "id_type", "id_number", "elderly_alone", "disabled", "minor")
PERSON_ONLY_FLAGS = ("lacks_capacity",)
UNIT_ONLY = ("credit_code", "responsible_person", "responsible_position", "responsible_phone")


def party_personal(*prefixes: str) -> list[str]:
    """The POST names of a party's personal fields in forms with these prefixes."""
    return [f"{p}-{f}" if p else f for p in prefixes or ("",) for f in PARTY_PERSONAL]


class PartyForm(RowVersionForm, forms.ModelForm):
    """A party as the mediator writes it down; the ID number's check digit is verified.

    Consent and the rights notice are never ticked in advance: each is an act the person
    recording it chooses. On a case's page (``case`` given) an agent or a guardian names the
    party they act for; a minor or a person without full capacity consents only through a
    guardian, recorded afterwards.

    A party is a natural person, a legal person or an unincorporated organisation
    (``kind``): a unit has its full name, its address, its unified social credit code (the
    check character verified) and the person who answers for it, and no gender, ID number
    or personal flags; a person has no credit code or responsible person.

    Editing a party (``instance`` saved) carries its version (``RowVersionForm``): the ID
    number, phones and room are shown masked unless built with ``reveal=True`` (for one who
    may see them), and a masked value sent back unchanged keeps the stored one."""

    masked = ("id_number", "phone", "room", "responsible_phone")
    #: The page loads static/js/party_kind.js for the type switch.
    kind_switch = True

    phone = PhoneField(label=_("Phone"), required=False)
    responsible_phone = PhoneField(label=_("Their phone"), required=False)
    # typed as printed on the licence, spaces and all: 18 characters once folded
    credit_code = forms.CharField(
        label=_("Unified social credit code (units)"),
        max_length=limits.ID_NUMBER,
        required=False,
        help_text=_("统一社会信用代码: 18 characters, on the business licence."),
    )
    consented = forms.BooleanField(label=_("Agrees to mediation"), required=False)
    notice_method = forms.ChoiceField(
        label=_("Told their rights and duties"),
        choices=[("", _("Not yet")), *NoticeMethod.choices],
        required=False,
    )

    class Meta:
        model = Party
        fields = [
            "side",
            "represents",
            "relation",
            "kind",
            "name",
            "credit_code",
            "responsible_person",
            "responsible_position",
            "responsible_phone",
            "gender",
            "id_type",
            "id_number",
            "phone",
            "address",
            "room",
            "elderly_alone",
            "disabled",
            "minor",
            "lacks_capacity",
            "needs_interpreter",
        ]
        widgets = {"name": NameInput, "responsible_person": NameInput}
        labels = {
            "represents": _("Acts for (agents and guardians)"),
            "name": _("Name, or the unit's full name"),
            "responsible_person": _("Legal representative or person in charge (units)"),
            "responsible_position": _("Their position"),
        }
        help_texts = {
            "relation": _("For a guardian or an agent: 父亲, 配偶, 律师 …"),
            "address": _("For example 金江路社区 12 栋; for a unit, its registered address."),
        }

    def __init__(
        self,
        *args: Any,
        sides: list[str] | None = None,
        case: Case | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["id_type"].required = False
        self.fields["kind"].required = False
        self.fields["kind"].widget.attrs["data-party-kind-switch"] = ""
        self.fields["credit_code"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        )
        for name in (*PERSON_ONLY, *PERSON_ONLY_FLAGS):
            self.fields[name].widget.attrs["data-party-kind"] = "natural"
        for name in UNIT_ONLY:
            self.fields[name].widget.attrs["data-party-kind"] = "unit"
        if sides:
            # self.fields holds this form's copies of the model's fields
            cast(forms.ChoiceField, self.fields["side"]).choices = [
                (s, Side(s).label) for s in sides
            ]
        if case is None:
            del self.fields["represents"]
            del self.fields["relation"]
        else:
            principals = case.parties.exclude(side__in=ACTING_SIDES)
            if self.instance.pk:
                principals = principals.exclude(pk=self.instance.pk)
            represents = cast(forms.ModelChoiceField, self.fields["represents"])
            represents.queryset = principals
        if self.instance.pk:
            del self.fields["consented"]
            del self.fields["notice_method"]
        else:  # a new party has no version yet
            del self.fields["seen_version"]
            del self.fields["seen_values"]

    @property
    def acting_for_someone(self) -> bool:
        return self.cleaned_data.get("side") in ACTING_SIDES

    def clean_kind(self) -> str:
        """A form sent without the type (an older page) writes a natural person down."""
        return self.cleaned_data.get("kind") or PartyKind.NATURAL

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data.get("credit_code") or "")
        if code and not is_valid_credit_code(code):
            raise forms.ValidationError(
                _(
                    "This is not a valid unified social credit code: check the 18 characters "
                    "on the business licence."
                )
            )
        return code

    def _clean_kind(self, data: dict[str, Any]) -> None:
        """A unit has no personal fields and must name who answers for it; a person has no
        unit fields. What belongs to the other kind is refused where it would mislead (an ID
        number, a credit code) and dropped where it is only a box left as it was."""
        if data.get("kind", PartyKind.NATURAL) == PartyKind.NATURAL:
            if data.get("credit_code"):
                self.add_error(
                    "credit_code",
                    _("Only a unit has a credit code: choose 法人 or 非法人组织 as the type."),
                )
            for name in ("responsible_person", "responsible_position", "responsible_phone"):
                data[name] = ""
            return
        if (data.get("id_number") or "").strip():
            self.add_error(
                "id_number",
                _("A unit has no ID number: give its unified social credit code instead."),
            )
        if not (data.get("responsible_person") or "").strip():
            self.add_error(
                "responsible_person",
                _("Name the unit's legal representative or person in charge."),
            )
        data["gender"], data["id_type"] = "", ""
        for name in ("elderly_alone", "disabled", "minor", "lacks_capacity"):
            data[name] = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_kind(data)
        unit = data.get("kind", PartyKind.NATURAL) != PartyKind.NATURAL
        if "represents" in self.fields:
            if self.acting_for_someone and not data.get("represents"):
                self.add_error("represents", _("Say which party they act for."))
            elif not self.acting_for_someone:
                data["represents"] = None
        if self.acting_for_someone:
            # an agent's or a guardian's agreement is recorded on the party they act for
            data["consented"], data["notice_method"] = False, ""
        id_type, number = data.get("id_type"), (data.get("id_number") or "").strip()
        if number and not id_type and not unit:
            self.add_error("id_type", _("Say which document this number is from."))
        if id_type == IdType.RESIDENT_ID and number:
            if not is_valid_resident_id(number):
                self.add_error(
                    "id_number",
                    _("This is not a valid resident ID number: check the 18 characters."),
                )
            else:
                data["id_number"] = normalise_id_number(number)
                if not self.acting_for_someone and is_minor(number, timezone.localdate()):
                    data["minor"] = True  # the ID number says so, whatever the box said
        needs_guardian = data.get("minor") or data.get("lacks_capacity")
        if data.get("consented") and needs_guardian:
            self.add_error("consented", GUARDIAN_CONSENTS)
        return data


class ConsentForm(forms.Form):
    """Consent and the rights notice as they are given; for a minor or a person without full
    capacity, the guardian who agrees for them."""

    guardian = forms.ModelChoiceField(
        label=_("Guardian who agrees for them"), queryset=Party.objects.none(), required=False
    )
    consented = forms.BooleanField(label=_("Agrees to mediation"), required=False)
    notice_method = forms.ChoiceField(
        label=_("Told their rights and duties"),
        choices=[("", _("Not yet")), *NoticeMethod.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=limits.LINE, required=False)

    def __init__(self, *args: Any, party: Party, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.party = party
        if party.needs_guardian:
            guardians = Party.objects.filter(
                case_id=party.case_id, side=Side.GUARDIAN, represents=party
            )
            field = cast(forms.ModelChoiceField, self.fields["guardian"])
            field.queryset = guardians
            self.fields["consented"].label = _("The guardian agrees to mediation for them")
        else:
            del self.fields["guardian"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("consented") and not data.get("notice_method"):
            raise forms.ValidationError(_("Record the consent, the notice, or both."))
        if self.party.needs_guardian and data.get("consented") and not data.get("guardian"):
            self.add_error("guardian", GUARDIAN_CONSENTS)
        return data


class ResidentSearchForm(forms.Form):
    """One box: a phone number or an ID number (matched exactly) or a name (its start)."""

    q = forms.CharField(
        label=_("Phone, ID number or name"),
        max_length=limits.NAME,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        if not name_key(text):
            raise forms.ValidationError(_("Type a phone number, an ID number or a name."))
        return text


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
        label=_("I have checked the possible duplicates above; register this one as well"),
        required=False,
    )
    # The warning this page showed (signed): "register anyway" answers that warning only.
    warned = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [
        "community",
        "came_on",
        "backdate_reason",
        "clinic",
        "grid",
        "source",
        "dispute_type",
        "dispute_subtype",
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
