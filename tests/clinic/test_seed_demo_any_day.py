"""The demo seeds on any date: the full ``seed_demo`` (every app's demo data) swept over dates
that have broken it or could: Wednesdays whose Friday is a clinic day, weekends, the days around
the Spring Festival and National Day, 调休 working weekends, month and year ends, 29 February,
at different times of a Beijing day. Seeding twice changes nothing, and the same instant gives
the same data."""

from __future__ import annotations

import io
import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from cases.models import Case, CaseEvent
from clinic.models import AuditEntry, User
from scheduling.models import Booking

BEIJING = ZoneInfo("Asia/Shanghai")

# (Beijing date and time, why it is here)
DATES = [
    ("2026-12-02 05:30", "Wednesday, Friday a clinic day (the day the seed broke)"),
    ("2026-03-04 09:00", "Wednesday, Friday a clinic day"),
    ("2027-06-16 14:45", "Wednesday, Friday a clinic day"),
    ("2027-09-08 23:55", "Wednesday, Friday a clinic day, late evening"),
    ("2028-01-12 00:05", "Wednesday, Friday a clinic day, just after midnight"),
    ("2026-06-13 10:00", "Saturday"),
    ("2027-03-14 16:00", "Sunday"),
    ("2026-02-13 17:30", "Friday before the Spring Festival"),
    ("2026-02-17 09:00", "Spring Festival"),
    ("2026-02-24 08:30", "first working day after the Spring Festival"),
    ("2027-02-05 11:00", "Spring Festival's eve, a provisional year"),
    ("2027-02-10 09:00", "Wednesday in the Spring Festival holiday"),
    ("2026-09-30 18:00", "eve of National Day"),
    ("2026-10-01 09:00", "National Day"),
    ("2026-10-08 09:00", "first working day after National Day"),
    ("2027-10-01 12:00", "National Day, a provisional year"),
    ("2026-01-04 09:00", "调休 working Sunday"),
    ("2026-02-14 09:00", "调休 working Saturday before the Spring Festival"),
    ("2026-02-28 15:00", "调休 working Saturday after the Spring Festival"),
    ("2026-05-09 09:00", "调休 working Saturday after Labour Day"),
    ("2026-09-20 09:00", "调休 working Sunday before National Day"),
    ("2026-10-10 09:00", "调休 working Saturday after National Day"),
    ("2026-04-30 20:00", "month end before Labour Day"),
    ("2026-11-30 09:00", "month end"),
    ("2027-01-31 09:00", "month end on a Sunday"),
    ("2027-02-28 09:00", "end of February"),
    ("2026-12-31 23:55", "31 December, late evening"),
    ("2027-12-31 09:00", "31 December"),
    ("2028-02-29 09:00", "29 February"),
]
# PostgreSQL's pass sweeps a few of them (the SQLite pass sweeps all).
ON_POSTGRES = ["2026-12-02 05:30", "2026-02-14 09:00", "2026-12-31 23:55", "2028-02-29 09:00"]
SWEPT = [d for d in DATES if d[0] in ON_POSTGRES] if os.environ.get("DATABASE_URL") else list(DATES)

#: What differs between two seeds by design: sign-in sessions, the audit log's rows, the
#: random access stamps drawn whenever a role or grant is written, and the salted hashes of
#: the demo password.
LEFT_OUT_MODELS = {"sessions.session", AuditEntry._meta.label_lower}
LEFT_OUT_FIELDS = {(User._meta.label_lower, "access_stamp"), (User._meta.label_lower, "password")}


def _content(*, day_from: datetime | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, field by field, in primary-key order; with ``day_from``, a time on
    or after it reads "today" (when in the day the seed ran)."""
    content = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in LEFT_OUT_MODELS or not model._meta.managed:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if (label, f.attname) not in LEFT_OUT_FIELDS
        ]
        rows = model._base_manager.order_by("pk").values_list(*names)
        content[label] = [tuple(_today(value, day_from) for value in row) for row in rows]
    return content


def _today(value: Any, day_from: datetime | None) -> Any:
    if day_from is not None and isinstance(value, datetime) and value >= day_from:
        return "today"
    return value


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _moment(when: str) -> datetime:
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


@pytest.mark.django_db
@pytest.mark.parametrize(("when", "why"), SWEPT, ids=[d[0][:10] for d in SWEPT])
def test_the_full_demo_seeds_on_this_date_and_seeding_again_changes_nothing(
    when: str, why: str
) -> None:
    with time_machine.travel(_moment(when), tick=False):
        _seed()
        first = _content()
        _seed()
        assert _content() == first, why
        # what the seed records as having happened did not happen later than now
        assert not CaseEvent.objects.filter(at__gt=_moment(when)).exists()
        assert not Case.objects.filter(registered_at__gt=_moment(when)).exists()
    assert Case.objects.count() >= 50
    assert Booking.objects.exists()


def _reset_sequences() -> None:
    """Primary-key sequences back to the rows left (PostgreSQL does not roll them back)."""
    if connection.vendor != "postgresql":
        return
    models = list(apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


class _RolledBack(Exception):
    pass


def _seeded_and_rolled_back(moment: datetime, day_from: datetime | None = None) -> dict:
    """The content a seed at ``moment`` writes; then the database as it was before."""
    _reset_sequences()  # earlier tests' rolled-back rows advanced them
    with time_machine.travel(moment, tick=False):
        try:
            with transaction.atomic():
                _seed()
                content = _content(day_from=day_from)
                raise _RolledBack
        except _RolledBack:
            pass
    _reset_sequences()
    assert not Case.objects.exists()
    return content


@pytest.mark.django_db
def test_two_seeds_at_the_same_instant_give_the_same_data() -> None:
    """The roster suggestion runs deterministically in the seed: one worker, a fixed seed and
    a limit in deterministic time, so a busy machine does not leave a case or a shift out."""
    moment = _moment("2026-12-02 09:00")
    first = _seeded_and_rolled_back(moment)
    with time_machine.travel(moment, tick=False):
        _seed()
        assert _content() == first


@pytest.mark.django_db
def test_the_same_date_gives_the_same_data_at_any_hour() -> None:
    """Past shifts, attendance, bookings, cases and meetings do not depend on the hour the seed
    runs: only the times of what it writes "now" do."""
    start = _moment("2026-12-02 00:00")
    first = _seeded_and_rolled_back(_moment("2026-12-02 07:10"), day_from=start)
    with time_machine.travel(_moment("2026-12-02 22:40"), tick=False):
        _seed()
        assert _content(day_from=start) == first
