"""The notices the system sends, each a template kept by its key, and how their parameters are
stored so that a notice reads right whenever and in whatever language it is shown.

A notice is declared once, in its app's ``notices.py`` (``register``): its title and body are
translatable format strings (``%(case)s`` …), its ``kind`` says which channels a person gets it
through (``Kind``; ``Kind.ALERT`` always goes through every channel they have) and ``sms``
names the parameters a template SMS carries. ``notify`` stores the key and the parameters, never
the rendered text: the inbox, the email, the SMS and the group message each render it when
shown or sent, in the recipient's language, from the records as they are then.

A parameter is stored as JSON:

- a plain string or number, shown as it is (a name, a reference number, a count);
- ``ref(record)``: the record's ``str()`` when shown (a case's number once it has one), or
  ``ref(record, "risk")`` its field's label in the reader's language;
- ``text(msgid, **params)``: a translatable phrase with its own parameters (a list's lines);
- ``day(date)`` / ``moment(datetime)``: shown in the reader's format and time zone;
- ``lines([...])``: several of the above, one per line;
- ``{"$notice": key, "params": {...}}``: another notice's title (a digest's items).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Encoded = Any  # a JSON value: see the module's docstring


class Kind(models.TextChoices):
    """What a notice is about: each person picks their channels per kind."""

    CASE = "case", _("Cases assigned, handed on or decided")
    VISIT = "visit", _("Home visits and sweeps")
    BOOKING = "booking", _("Clinic shifts and bookings")
    REMINDER = "reminder", _("Daily reminders of overdue work")
    REPORT = "report", _("Reports, statements and ledgers")
    ALERT = "alert", _("Red-risk alerts and supervision (督办)")


#: Kinds that always go through every channel the person has: they cannot be held back.
ALWAYS_EVERY_CHANNEL = frozenset({Kind.ALERT})


@dataclass(frozen=True)
class Notice:
    """One notice the system sends.

    ``title`` and ``body`` are lazy translatable format strings (``gettext_lazy``);
    ``plural`` (with ``count``, the parameter that picks the form) is the title's plural, its
    own msgid. ``sms`` lists the parameters a
    template SMS carries, in the order of the gateway's template (none: never by SMS).
    ``group`` marks a notice a community's group robot may carry (duty notices, published
    items)."""

    key: str
    title: Promise
    kind: Kind
    body: Promise | None = None
    plural: Promise | None = None
    count: str = ""
    sms: tuple[str, ...] = ()
    group: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)


NOTICES: dict[str, Notice] = {}


def register(*notices: Notice) -> None:
    """Declare notices (each app's ``notices.py``); a key declared twice is a mistake."""
    for notice in notices:
        if notice.key in NOTICES and NOTICES[notice.key] != notice:
            raise ValueError(f"notice {notice.key!r} declared twice")
        NOTICES[notice.key] = notice


def get(key: str) -> Notice:
    """The notice of ``key`` (its app's ``notices.py`` is imported when the apps are ready)."""
    return NOTICES[key]


# --- Parameters ---------------------------------------------------------------------------------


def ref(record: models.Model, field_name: str = "") -> dict[str, Any]:
    """The record as it reads when shown (``str()``), or one of its fields' label."""
    encoded: dict[str, Any] = {"$ref": record._meta.label_lower, "pk": record.pk}
    if field_name:
        encoded["field"] = field_name
    return encoded


def text(msgid: str | Promise, **params: Encoded) -> dict[str, Any]:
    """A translatable phrase (mark it with ``gettext_noop`` or pass a lazy string) and its own
    parameters, rendered in the reader's language."""
    source = getattr(msgid, "_args", None)  # a lazy translation: (msgid,) or (context, msgid)
    encoded: dict[str, Any] = {"params": dict(params)}
    if isinstance(msgid, Promise) and source:
        encoded["$text"] = str(source[-1])
        if len(source) == 2:
            encoded["context"] = str(source[0])
    else:
        encoded["$text"] = str(msgid)
    return encoded


def choice(label: Promise) -> dict[str, Any]:
    """A choice's lazy label (``Risk.RED.label``), shown in the reader's language."""
    return text(label)


def day(value: date) -> dict[str, str]:
    return {"$date": value.isoformat()}


def moment(value: datetime) -> dict[str, str]:
    return {"$moment": value.isoformat()}


def lines(items: Iterable[Encoded]) -> dict[str, list[Encoded]]:
    return {"$lines": list(items)}


def refs_in(value: Encoded) -> Iterable[tuple[str, Any]]:
    """The (model label, pk) of every ``ref`` inside an encoded value."""
    if isinstance(value, dict):
        if "$ref" in value:
            yield value["$ref"], value.get("pk")
        for inner in value.values():
            yield from refs_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from refs_in(inner)
