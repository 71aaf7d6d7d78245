"""Which channels a person gets a kind of notice through.

The inbox always has every notice. Beyond it, each person chooses email and SMS per kind
(``ChannelChoice``; until they do, ``DEFAULTS``). Red-risk alerts and supervision
(``Kind.ALERT``) always go through every channel the person has: no choice holds them back.
A channel the person lacks (no email address, no phone) or the deployment lacks (no SMS
gateway) is never chosen."""

from __future__ import annotations

from typing import Any

from clinic.notify import backends
from clinic.notify.models import Channel, ChannelChoice
from clinic.notify.notices import ALWAYS_EVERY_CHANNEL, Kind

#: Until a person chooses: email for everything; SMS for what someone waits on out on the
#: street (a home visit, a shift) and for alerts.
DEFAULTS: dict[str, dict[str, bool]] = {
    Kind.CASE: {"email": True, "sms": False},
    Kind.VISIT: {"email": True, "sms": True},
    Kind.BOOKING: {"email": True, "sms": True},
    Kind.REMINDER: {"email": True, "sms": False},
    Kind.REPORT: {"email": True, "sms": False},
    Kind.ALERT: {"email": True, "sms": True},
}


def available(user: Any) -> list[str]:
    """The channels this person can be reached through at all, beyond the inbox."""
    found: list[str] = []
    if getattr(user, "email", ""):
        found.append(Channel.EMAIL)
    if getattr(user, "phone", "") and backends.sms_enabled():
        found.append(Channel.SMS)
    return found


def chosen(user: Any) -> dict[str, dict[str, bool]]:
    """The person's choice for every kind (their own where they made one, else the default)."""
    choices = {kind: dict(channels) for kind, channels in DEFAULTS.items()}
    for row in ChannelChoice.objects.filter(user=user):
        choices[row.kind] = {"email": row.email, "sms": row.sms}
    return choices


def channels_for(
    user: Any, kind: str, choices: dict[str, dict[str, bool]] | None = None
) -> list[str]:
    """The channels a notice of ``kind`` goes to ``user`` through, besides the inbox."""
    have = available(user)
    if kind in ALWAYS_EVERY_CHANNEL:
        return have
    wanted = (choices or chosen(user)).get(kind, DEFAULTS.get(kind, {}))
    return [channel for channel in have if wanted.get(str(channel), False)]


def do_save_preferences(user: Any, *, language: str, choices: dict[str, dict[str, bool]]) -> None:
    """Keep the person's language of notices and their channels per kind (a kind left as the
    default keeps no row; an alert's channels are not theirs to choose)."""
    from django.db import transaction  # noqa: PLC0415

    with transaction.atomic():
        from clinic.models import User  # noqa: PLC0415  the models import this package

        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
        for kind, wanted in choices.items():
            if kind in ALWAYS_EVERY_CHANNEL:
                continue
            if wanted == DEFAULTS.get(kind):
                ChannelChoice.objects.filter(user=user, kind=kind).delete()
            else:
                ChannelChoice.objects.update_or_create(
                    user=user, kind=kind, defaults={"email": wanted["email"], "sms": wanted["sms"]}
                )
