"""A person's time: the single rule that nobody is in two places at once. ``Clash``,
``busy_periods``, ``lock_calendars`` and ``do_book_commitment`` are what the cases app uses for
home visits, meetings and follow-up visits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.models import User
from scheduling.models import Commitment


class Clash(Exception):
    """The person is already committed at that time."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def busy_periods(
    people: Iterable[User], starts_at: datetime, ends_at: datetime
) -> dict[int, list[Commitment]]:
    """The free/busy query: each person's active commitments overlapping the period."""
    found: dict[int, list[Commitment]] = {p.pk: [] for p in people}
    for commitment in Commitment.objects.busy(list(found), starts_at, ends_at).order_by(
        "starts_at"
    ):
        found.setdefault(commitment.person_id, []).append(commitment)
    return found


#: First key of the advisory locks that serialise changes to one person's calendar.
CALENDAR_LOCK = 0x5C4ED


def lock_calendars(people: Iterable[User]) -> None:
    """Hold the calendars of these people until the transaction ends, always in id order, so
    that two actions booking the same people wait for each other instead of deadlocking in
    the exclusion constraint. PostgreSQL only: SQLite's immediate transactions already
    serialise writers."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for pk in sorted({person.pk for person in people}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CALENDAR_LOCK, pk])


@transaction.atomic
def do_book_commitment(
    person: User,
    *,
    starts_at: datetime,
    ends_at: datetime,
    kind: str,
    title: str,
    place: str = "",
) -> Commitment:
    """Take a person's time, or raise ``Clash``. On PostgreSQL the exclusion constraint decides
    races; on SQLite the immediate transaction serialises the check and the insert."""
    if ends_at <= starts_at:
        raise Clash(_("The end must be after the start."))
    lock_calendars([person])
    clash = (
        Commitment.objects.active().filter(person=person).overlapping(starts_at, ends_at).first()
    )
    if clash is not None:
        raise Clash(_clash_message(person, clash))
    try:
        with transaction.atomic():
            return Commitment.objects.create(
                person=person,
                starts_at=starts_at,
                ends_at=ends_at,
                kind=kind,
                title=title[:200],
                place=place[:200],
            )
    except IntegrityError as error:
        raise Clash(
            _("%(person)s was booked for that time by someone else a moment ago.")
            % {"person": person}
        ) from error


def _clash_message(person: User, clash: Commitment) -> str:
    return _("%(person)s is already busy from %(start)s to %(end)s (%(what)s).") % {
        "person": person,
        "start": _local(clash.starts_at),
        "end": _local(clash.ends_at),
        "what": clash.get_kind_display(),
    }


def do_release_commitment(commitment: Commitment) -> None:
    Commitment.objects.filter(pk=commitment.pk).update(active=False)
