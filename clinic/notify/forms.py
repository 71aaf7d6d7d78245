"""The notification layer's forms: they validate and clean only."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clinic.notify.models import RobotProvider

#: A webhook key as WeCom (a UUID) and DingTalk (64 hex digits) issue them.
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,100}")

#: Each provider's webhook: the setting with its address, and the query parameter of the key.
WEBHOOKS = {
    RobotProvider.WECOM: ("CLINIC_WECOM_URL", "key"),
    RobotProvider.DINGTALK: ("CLINIC_DINGTALK_URL", "access_token"),
}


def webhook_host(provider: str) -> str:
    """The host of a provider's webhook as configured (``qyapi.weixin.qq.com`` …)."""
    setting, _name = WEBHOOKS[RobotProvider(provider)]
    return urlsplit(str(getattr(settings, setting, ""))).netloc.lower()


class RobotForm(forms.Form):
    """A group robot to add: its group's name, its provider and its webhook key, pasted alone
    or as the whole webhook address (the key is taken from it). ``taken``: the keys the
    community's robots already have."""

    name = forms.CharField(
        label=_("Chat group"),
        max_length=60,
        help_text=_("The chat group's name, as people know it (法律顾问群, 网格群 …)."),
    )
    provider = forms.ChoiceField(
        label=_("Robot"), choices=RobotProvider.choices, widget=forms.RadioSelect
    )
    key = forms.CharField(
        label=_("Webhook address or key"),
        max_length=300,
        strip=True,
        help_text=_(
            "In the group's settings, add a robot and copy its webhook address; paste it here. "
            "Once saved, the key is never shown again."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Paste the robot's webhook address or its key.")},
    )

    def __init__(self, *args: Any, taken: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = set(taken)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        provider, pasted = data.get("provider"), data.get("key")
        if not provider or not pasted:
            return data
        key = self._key(provider, pasted)
        if key is not None and key in self.taken:
            self.add_error("key", _("This robot is already on the list."))
        elif key is not None:
            data["key"] = key
        return data

    def _key(self, provider: str, pasted: str) -> str | None:
        """The key in what was pasted (an address or the key itself); None after saying why
        there is none."""
        name = WEBHOOKS[RobotProvider(provider)][1]
        if "://" in pasted or pasted.lower().startswith(("http", "www.")):
            address = urlsplit(pasted if "://" in pasted else f"https://{pasted}")
            host = webhook_host(provider)
            if address.scheme not in ("http", "https") or address.netloc.lower() != host:
                self.add_error(
                    "key",
                    _(
                        "This is not the address of a %(robot)s: it should start with "
                        "https://%(host)s/. Check the robot chosen above, or copy the address "
                        "again from the group's settings."
                    )
                    % {"robot": RobotProvider(provider).label, "host": host},
                )
                return None
            found = parse_qs(address.query).get(name, [""])[0].strip()
            if not found:
                self.add_error(
                    "key",
                    _("The address has no %(name)s=… in it: copy the whole webhook address.")
                    % {"name": name},
                )
                return None
            pasted = found
        if not KEY_SHAPE.fullmatch(pasted):
            self.add_error(
                "key",
                _(
                    "A webhook key is 8 to 100 letters, digits and dashes: paste the whole "
                    "webhook address to be sure."
                ),
            )
            return None
        return pasted
