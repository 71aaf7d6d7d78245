"""Forms of the clinic app: they validate and clean, nothing else."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from clinic import access
from clinic.choices import ROLE_LEVELS, AuditEvent, AuditResult, DayKind, Level, Role
from clinic.lib import limits
from clinic.lib.inputs import NameInput, PhoneField
from clinic.lib.versions import RowVersionForm
from clinic.models import WEEKDAYS, Community, District, Grid, Membership, Street, User

PROFILE_FIELDS = [
    "display_name",
    "phone",
    "email",
    "organisation",
    "specialism",
    "qualification_no",
]


def region_key(region: District | Street | Community | Grid) -> str:
    return f"{access.level_of(region)}:{region.pk}"


def region_label(region: District | Street | Community | Grid) -> str:
    if isinstance(region, Grid):
        return f"{region.community.name} · {region.name}"
    return str(region)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the user name's length enforced: Django only sets the
    widget's ``maxlength``, so an over-long name reached ``authenticate`` and the lockout's
    failed-attempt record (a 255-character column), a server error on PostgreSQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UsernameField, self.fields["username"])  # as AuthenticationForm declares it
        field.validators.append(MaxLengthValidator(field.max_length))


class RegionRoleFields(forms.Form):
    """A role and the region it is held in, limited to what the acting user may grant."""

    role = forms.ChoiceField(label=_("Role"))
    region = forms.ChoiceField(label=_("Region"))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role, Role(role).label) for role in access.grantable_roles(actor)
        ]
        self.regions = {region_key(r): r for r in access.grantable_regions(actor)}
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, region in self.regions.items():
            level = Level(access.level_of(region)).label
            groups.setdefault(str(level), []).append((key, region_label(region)))
        cast(forms.ChoiceField, self.fields["region"]).choices = list(groups.items())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role, key = data.get("role"), data.get("region")
        if not role or not key:
            return data
        region = self.regions.get(key)
        if region is None:
            raise forms.ValidationError(_("Choose a region you manage."))
        if access.level_of(region) not in ROLE_LEVELS[role]:
            levels = "、".join(str(Level(level).label) for level in ROLE_LEVELS[role])
            raise forms.ValidationError(
                _("A %(role)s is appointed for a %(levels)s."),
                params={"role": Role(role).label, "levels": levels},
            )
        if not access.may_grant(self.actor, role, region):
            raise forms.ValidationError(_("You may not grant this role in this region."))
        data["region_obj"] = region
        return data


class GrantRoleForm(RegionRoleFields):
    pass


class PersonCreateForm(RegionRoleFields):
    username = forms.RegexField(
        label=_("Sign-in name"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        help_text=_("Letters, digits and . _ @ + - only."),
        error_messages={"invalid": _("Use letters, digits and . _ @ + - only.")},
    )
    display_name = forms.CharField(label=_("Name"), max_length=limits.NAME, widget=NameInput)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=limits.ORGANISATION, required=False
    )
    specialism = forms.CharField(label=_("Specialism"), max_length=limits.LINE, required=False)
    qualification_no = forms.CharField(
        label=_("Qualification number"), max_length=limits.REFERENCE, required=False
    )
    password1 = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label=_("Initial password again"), strip=False, widget=forms.PasswordInput
    )

    field_order = [
        "username",
        "display_name",
        "phone",
        "email",
        "organisation",
        "specialism",
        "qualification_no",
        "role",
        "region",
        "password1",
        "password2",
    ]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This sign-in name is taken."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(
                username=data.get("username", ""),
                display_name=data.get("display_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PersonForm(RowVersionForm, forms.ModelForm):
    """A person's profile. The phone is shown masked; sent back as shown, it is kept."""

    phone = PhoneField(label=_("Phone"), required=False)
    masked = ("phone",)

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {"display_name": NameInput}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.LINE)


class DeactivateForm(RowVersionForm, ReasonForm):
    """Deactivating a person, with the version of the person the page showed."""

    tracked = ("is_active", *PROFILE_FIELDS)

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, record=person, **kwargs)


class EndRoleForm(RowVersionForm, ReasonForm):
    """Ending a role, with the version of the role the page showed."""

    tracked = ("ended_at", "end_reason", "ended_by")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, record=membership, **kwargs)


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    works_as = forms.TypedChoiceField(
        label=_("A make-up day works as"),
        choices=[("", "—"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class HolidayYearForm(YearForm):
    official = forms.BooleanField(label=_("The State Council's official schedule"), required=False)


class AuditSearchForm(forms.Form):
    who = forms.CharField(label=_("User"), max_length=150, required=False)
    event = forms.ChoiceField(
        label=_("Event"), choices=[("", _("All events")), *AuditEvent.choices], required=False
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("All results")), *AuditResult.choices], required=False
    )
    object = forms.CharField(label=_("Object"), max_length=50, required=False)
    first = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            self.add_error("last", _("The end cannot be before the start."))
        return data


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is 6 digits."))
        return code
