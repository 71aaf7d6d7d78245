"""A stored notice rendered for its reader: in their language, from the records as they are
now (``clinic.notify.notices`` says how parameters are stored).

``render_many`` renders a page of notifications with one query per kind of record they name,
whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext

from clinic.notify import links
from clinic.notify.notices import NOTICES, Encoded, Notice, refs_in

if TYPE_CHECKING:
    from django.db import models

    from clinic.models import Notification

Records = Mapping[tuple[str, Any], Any]


@dataclass(frozen=True)
class Rendered:
    """A notice as its reader sees it: title, body, the absolute link, and the text to copy
    into a chat group that has no robot (the title, the body, the link)."""

    title: str
    body: str
    url: str

    @property
    def group_text(self) -> str:
        return "\n".join(part for part in (f"【{self.title}】", self.body, self.url) if part)


def language_of(user: Any) -> str:
    """The language a person reads notices in (their preference; the site's default)."""
    chosen = getattr(user, "language", "") or ""
    known = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in known else settings.LANGUAGE_CODE


def load_refs(encoded: Iterable[Encoded]) -> dict[tuple[str, Any], Any]:
    """Every record the values name, one query per model."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for value in encoded:
        for label, pk in refs_in(value):
            wanted[label].add(pk)
    found: dict[tuple[str, Any], Any] = {}
    for label, pks in wanted.items():
        try:
            model: type[models.Model] = apps.get_model(label)
        except LookupError:
            continue
        for pk, record in model._default_manager.in_bulk(list(pks)).items():
            found[(label, pk)] = record
    return found


def value(encoded: Encoded, records: Records) -> str:
    """One parameter as its reader sees it (inside ``translation.override``)."""
    if isinstance(encoded, dict):
        if "$ref" in encoded:
            record = records.get((encoded["$ref"], encoded.get("pk")))
            if record is None:
                return gettext("(removed)")
            field_name = encoded.get("field")
            if field_name:
                shown = getattr(record, f"get_{field_name}_display", None)
                return str(shown() if shown else getattr(record, field_name, ""))
            return str(record)
        if "$text" in encoded:
            params = {k: value(v, records) for k, v in encoded.get("params", {}).items()}
            context = encoded.get("context")
            msg = pgettext(context, encoded["$text"]) if context else gettext(encoded["$text"])
            return msg % params if params else msg
        if "$date" in encoded:
            return formats.date_format(date.fromisoformat(encoded["$date"]), "SHORT_DATE_FORMAT")
        if "$moment" in encoded:
            moment = timezone.localtime(datetime.fromisoformat(encoded["$moment"]))
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if "$lines" in encoded:
            return "\n".join(value(item, records) for item in encoded["$lines"])
        if "$notice" in encoded:  # another notice's title (a digest's items: clinic.notify.digest)
            notice = NOTICES.get(encoded["$notice"])
            inner = encoded.get("params", {})
            if notice is None:
                return ""
            return _title(notice, inner, {k: value(v, records) for k, v in inner.items()})
        return ""
    if isinstance(encoded, list):
        return "、".join(value(item, records) for item in encoded)
    return "" if encoded is None else str(encoded)


def render(
    template: str,
    params: Mapping[str, Encoded],
    *,
    language: str,
    url: str = "",
    records: Records | None = None,
    fallback: tuple[str, str] = ("", ""),
) -> Rendered:
    """The notice ``template`` with ``params`` in ``language``; a notice no longer declared
    (or a row from before the layer) shows ``fallback``, the text it was first stored with."""
    notice = NOTICES.get(template)
    if notice is None:
        return Rendered(fallback[0], fallback[1], links.absolute(url))
    records = records if records is not None else load_refs(params.values())
    with translation.override(language):
        shown = {name: value(param, records) for name, param in params.items()}
        title = _title(notice, params, shown)
        body = _format(str(notice.body), shown) if notice.body is not None else ""
    return Rendered(title[:200], body, links.absolute(url))


def _title(notice: Notice, params: Mapping[str, Encoded], shown: Mapping[str, str]) -> str:
    """The notice's title in the active language, its plural form picked by its count. The
    two forms are two msgids (each translated; the site's languages, Chinese and English, need
    no other plural rule than one or not one)."""
    if notice.plural is None:
        return _format(str(notice.title), shown)
    count = int(params.get(notice.count) or 0)
    return _format(str(notice.title if count == 1 else notice.plural), shown)


def _format(pattern: str, params: Mapping[str, str]) -> str:
    try:
        return pattern % params
    except (KeyError, TypeError, ValueError):  # a catalogue's mistake must not lose the notice
        return pattern


def render_notification(
    notification: Notification, records: Records | None = None, *, language: str = ""
) -> Rendered:
    return render(
        notification.template,
        notification.params,
        language=language or language_of(notification.user),
        url=notification.url,
        records=records,
        fallback=(notification.title, notification.body),
    )


def render_many(
    notifications: Iterable[Notification], reader: Any
) -> list[tuple[Notification, Rendered]]:
    """A page of ``reader``'s notifications, rendered: one query per kind of record named."""
    listed = list(notifications)
    records = load_refs(n.params for n in listed)
    language = language_of(reader)
    return [(n, render_notification(n, records, language=language)) for n in listed]
