"""The person's own notice settings: the language notices reach them in, and the channels of
each kind of notice. (The inbox is ``clinic.views.notifications``.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.access import AuthenticatedHttpRequest
from clinic.notify import backends, preferences
from clinic.notify.notices import ALWAYS_EVERY_CHANNEL, Kind


class NoticeSettingsForm(forms.Form):
    """The language, and an email and an SMS box per kind (alerts: fixed, every channel)."""

    language = forms.ChoiceField(
        label=gettext_lazy("Notices reach me in"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            if kind in ALWAYS_EVERY_CHANNEL:
                continue
            self.fields[f"{kind}_email"] = forms.BooleanField(
                label=gettext_lazy("Email"), required=False
            )
            self.fields[f"{kind}_sms"] = forms.BooleanField(
                label=gettext_lazy("SMS"), required=False
            )

    def rows(self) -> list[tuple[Kind, forms.BoundField | None, forms.BoundField | None]]:
        return [
            (kind, None, None)
            if kind in ALWAYS_EVERY_CHANNEL
            else (kind, self[f"{kind}_email"], self[f"{kind}_sms"])
            for kind in Kind
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        data = self.cleaned_data
        return {
            str(kind): {"email": data[f"{kind}_email"], "sms": data[f"{kind}_sms"]}
            for kind in Kind
            if kind not in ALWAYS_EVERY_CHANNEL
        }


def notice_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Anyone signed in keeps their own settings: nothing to check beyond the sign-in."""
    user = request.user
    current = preferences.chosen(user)
    initial: dict[str, Any] = {"language": user.language}
    for kind, channels in current.items():
        initial[f"{kind}_email"] = channels["email"]
        initial[f"{kind}_sms"] = channels["sms"]
    form = NoticeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        preferences.do_save_preferences(
            user, language=form.cleaned_data["language"], choices=form.choices()
        )
        messages.success(request, _("Your notice settings are saved."))
        return redirect("clinic:notice_settings")
    available = preferences.available(user)
    return render(
        request,
        "clinic/notify/settings.html",
        {
            "form": form,
            "has_email": "email" in available,
            "has_phone": bool(user.phone),
            "sms_on": backends.sms_enabled(),
        },
        status=400 if request.method == "POST" else 200,
    )
