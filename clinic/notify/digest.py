"""The daily reminder: one notice a person a day, at 08:00 (``TIME_ZONE``, Asia/Shanghai), of
the overdue and due work still outstanding, saying what changed since the day before, instead
of the same reminder about the same thing every day.

A reminder sender does not notify: it says what is still outstanding today with
``remind(recipients, subject=…, template=…, params=…, url=…, due=…)``, ``subject`` being a
key of the thing that stays the same from day to day (``"case:41:mediation_due"``) and
``template`` a declared ``Kind.REMINDER`` notice whose title names it. The senders run as
collectors (``register_collector``), each ``(today) -> int``, at the start of
``send_digests``, which then writes each person who has something outstanding one
``clinic.digest`` notice: how many items and how many are new in its title; in its body the
new ones first, each item with how many days it is overdue (or when it is due), and how many
were resolved since the last digest. A thing not reminded today is resolved and dropped
(unless a collector failed today: then nothing is taken as resolved).

Each item keeps its notice and parameters (``ReminderItem``), not their text: the digest stores
each item's title as ``{"$notice": template, "params": …}`` and renders it in the reader's
language, from the records as they are when it is read (``clinic.notify.render``). Running
``send_digests`` twice on a day sends one digest per person (its key carries the day) and
changes nothing the second time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from clinic.models import ReminderItem, User
from clinic.notify.dispatch import notify
from clinic.notify.notices import NOTICES, Encoded, Kind, day, lines, text

log = logging.getLogger(__name__)

Collector = Callable[[date], int]

#: The reminder senders ``send_digests`` runs first: dotted paths or functions ``(today)``.
COLLECTORS: list[str | Collector] = []
#: A digest lists this many items at most, then says how many more there are.
MOST_ITEMS = 50
DIGEST = "clinic.digest"


def register_collector(collector: str | Collector) -> None:
    """Run ``collector`` (a function ``(today) -> int`` that calls ``remind``, or its dotted
    path) before each day's digests are written. Registering it twice runs it once."""
    if collector not in COLLECTORS:
        COLLECTORS.append(collector)


def notice_title(template: str, params: Mapping[str, Encoded]) -> dict[str, Any]:
    """A parameter that shows notice ``template``'s title with ``params``, rendered like any
    other parameter: in the reader's language, from the records as they are then."""
    return {"$notice": template, "params": dict(params)}


def remind(
    recipients: Iterable[User | None],
    *,
    subject: str,
    template: str,
    params: Mapping[str, Encoded],
    url: str = "",
    due: date | None = None,
    today: date | None = None,
) -> list[User]:
    """Record that ``subject`` is still outstanding ``today`` for each active recipient, with
    the notice (``template``, a ``Kind.REMINDER`` notice, and ``params``) that names it and
    its link and due date. Sends nothing: the day's digest (``send_digests``) tells them.

    Returns the people for whom ``subject`` is recorded for the first time today (new to them,
    or last recorded on an earlier day), once each: a second call the same day returns ``[]``,
    so a sender writes what it reminded of (a case's timeline event) once a day."""
    notice = NOTICES.get(template)
    if notice is None or notice.kind != Kind.REMINDER:
        raise ValueError(f"{template!r} is not a declared reminder notice")
    today = today or timezone.localdate()
    people = sorted(
        {user.pk: user for user in recipients if user is not None and user.is_active}.values(),
        key=lambda user: user.pk,
    )
    subject = subject[:200]
    shown = {
        "template": template,
        "params": dict(params),
        "url": url[:300],
        "due": due,
        "last_seen": today,
    }
    first = []
    for user in people:
        item = ReminderItem.objects.filter(user=user, subject=subject)
        # conditional updates: of two senders recording the same thing at once, one sees it
        # first today
        if item.exclude(last_seen=today).update(**shown):
            first.append(user)
            continue
        if item.update(**shown):  # already recorded today
            continue
        try:
            with transaction.atomic():
                ReminderItem.objects.create(user=user, subject=subject, first_seen=today, **shown)
        except IntegrityError:  # recorded by another sender in the meantime
            item.update(**shown)
        else:
            first.append(user)
    return first


def send_digests(today: date | None = None) -> int:
    """Run the collectors, then write each person with something outstanding today their
    digest (once a day: a second run sends nothing). Returns how many digests were written."""
    today = today or timezone.localdate()
    complete = _collect(today)
    ReminderItem.objects.filter(user__is_active=False).delete()
    people = User.objects.filter(is_active=True, reminder_items__isnull=False).distinct()
    return sum(_send_digest(user, today, complete=complete) for user in people.order_by("pk"))


def _collect(today: date) -> bool:
    """Run every collector, each in its own transaction; False when one failed (its things
    were not reminded today, yet they are not resolved)."""
    complete = True
    for entry in list(COLLECTORS):
        try:
            collector = import_string(entry) if isinstance(entry, str) else entry
            with transaction.atomic():
                collector(today)
        except Exception:  # one broken sender must not stop the others' digests
            log.exception("reminder collector %s failed", entry)
            complete = False
    return complete


def _send_digest(user: User, today: date, *, complete: bool) -> int:
    with transaction.atomic():
        items = list(ReminderItem.objects.select_for_update().filter(user=user).order_by("pk"))
        outstanding = sorted((i for i in items if i.last_seen >= today), key=_urgency)
        resolved = 0
        if complete:
            stale = [i for i in items if i.last_seen < today]
            resolved = sum(1 for i in stale if i.listed_on is not None)
            ReminderItem.objects.filter(pk__in=[i.pk for i in stale]).delete()
        if not outstanding:
            return 0
        new = [i for i in outstanding if i.listed_on is None]
        known = [i for i in outstanding if i.listed_on is not None]
        entries = [_line(i, today, new=True) for i in new]
        entries += [_line(i, today, new=False) for i in known]
        if len(entries) > MOST_ITEMS:
            more = len(entries) - MOST_ITEMS
            entries = [*entries[:MOST_ITEMS], text(gettext_noop("… and %(n)s more"), n=more)]
        if resolved:
            entries.append(
                text(gettext_noop("%(n)s resolved since the last daily reminder"), n=resolved)
            )
        made = notify(
            DIGEST,
            {"n": len(outstanding), "new": len(new), "items": lines(entries)},
            [user],
            key=f"digest:{user.pk}:{today.isoformat()}",
            url=next((i.url for i in outstanding if i.url), "") or reverse("clinic:notifications"),
        )
        if not made:  # already sent today
            return 0
        ReminderItem.objects.filter(pk__in=[i.pk for i in outstanding]).update(listed_on=today)
        return 1


def _urgency(item: ReminderItem) -> tuple[date, str]:
    """Most overdue first; things without a due date last."""
    return (item.due or date.max, item.subject)


def _line(item: ReminderItem, today: date, *, new: bool) -> Encoded:
    title = notice_title(item.template, item.params)
    when = _when(item.due, today)
    if new and when:
        return text(gettext_noop("New: %(item)s (%(when)s)"), item=title, when=when)
    if new:
        return text(gettext_noop("New: %(item)s"), item=title)
    if when:
        return text(gettext_noop("%(item)s (%(when)s)"), item=title, when=when)
    return title


def _when(due: date | None, today: date) -> Encoded:
    if due is None:
        return None
    late = (today - due).days
    if late > 1:
        return text(gettext_noop("overdue %(days)s days"), days=late)
    if late == 1:
        return text(gettext_noop("overdue 1 day"))
    if late == 0:
        return text(gettext_noop("due today"))
    if late == -1:
        return text(gettext_noop("due tomorrow"))
    return text(gettext_noop("due on %(date)s"), date=day(due))
