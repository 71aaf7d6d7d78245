"""The daily reminder: one digest a person a day, whatever the number of overdue things, that
says what changed since the day before (which items are new, how long each is overdue, how many
were resolved), in the reader's language, at 08:00 Asia/Shanghai, once however often it runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.test import TestCase
from django.utils.translation import gettext_lazy as _

from clinic.models import Community, Notification, ReminderItem, User
from clinic.notify import digest
from clinic.notify.notices import Kind, Notice, day, ref, register
from clinic.notify.render import render_notification
from tests.conftest import person

pytestmark = pytest.mark.django_db

register(
    # English msgids the catalogue already translates, so the Chinese is known
    Notice("tests.digest_overdue", _("Overdue since %(due)s: %(case)s"), Kind.REMINDER),
    Notice("tests.digest_due", _("Mediation due on %(due)s: %(case)s"), Kind.REMINDER),
    Notice("tests.digest_case", _("A case was assigned to you: %(case)s"), Kind.CASE),
)

MONDAY = date(2025, 3, 10)

#: What the test collector finds outstanding: (usernames, subject, case, due).
OUTSTANDING: list[tuple[tuple[str, ...], str, Any, date]] = []


def collect(today: date) -> int:
    """A reminder sender as the apps' are wired: it reminds of what is outstanding today."""
    for usernames, subject, case, due in OUTSTANDING:
        digest.remind(
            [person(name) for name in usernames],
            subject=subject,
            template="tests.digest_overdue" if due < today else "tests.digest_due",
            params={"due": day(due), "case": case},
            url=f"/cases/{subject}/",
            due=due,
            today=today,
        )
    return len(OUTSTANDING)


@pytest.fixture(autouse=True)
def collector(demo: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only this module's collector runs; the coordinator and the mediator read English
    unless a test says otherwise."""
    monkeypatch.setattr(digest, "COLLECTORS", [])
    digest.register_collector("tests.clinic.notify.test_digest.collect")
    OUTSTANDING.clear()
    User.objects.filter(username__in=["coordinator", "mediator"]).update(language="en")
    yield
    OUTSTANDING.clear()


def outstanding(*items: tuple[tuple[str, ...], str, Any, date]) -> None:
    OUTSTANDING[:] = items


def digests(username: str) -> list[tuple[str, str]]:
    """The person's digests as they read them, oldest first."""
    found = Notification.objects.filter(user__username=username, key__startswith="digest:")
    return [
        (shown.title, shown.body)
        for shown in (render_notification(n) for n in found.order_by("created_at", "pk"))
    ]


def test_one_digest_a_person_a_day_however_many_items(settings: Any) -> None:
    coordinator = person("coordinator")
    coordinator.email = "coordinator@example.org"
    coordinator.save(update_fields=["email"])
    outstanding(
        (("coordinator", "mediator"), "41", "2025-41", MONDAY - timedelta(days=3)),
        (("coordinator",), "42", "2025-42", MONDAY - timedelta(days=1)),
        (("coordinator",), "43", "2025-43", MONDAY + timedelta(days=2)),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert digest.send_digests(MONDAY) == 2

    [(title, body)] = digests("coordinator")
    assert title == "Daily reminder: 3 items, 3 new"
    assert body.splitlines() == [
        "New: Overdue since 03/07/2025: 2025-41 (overdue 3 days)",
        "New: Overdue since 03/09/2025: 2025-42 (overdue 1 day)",
        "New: Mediation due on 03/12/2025: 2025-43 (due on 03/12/2025)",
    ]
    assert digests("mediator") == [
        (
            "Daily reminder: 1 item, 1 new",
            "New: Overdue since 03/07/2025: 2025-41 (overdue 3 days)",
        )
    ]
    # one email, the digest: not one per overdue case
    assert [m.subject for m in mail.outbox if "coordinator@example.org" in m.to] == [
        "Daily reminder: 3 items, 3 new"
    ]


def test_the_next_day_says_what_is_new_and_how_long_each_is_overdue() -> None:
    tuesday = MONDAY + timedelta(days=1)
    outstanding(
        (("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)),
        (("coordinator",), "42", "2025-42", tuesday),
    )
    digest.send_digests(MONDAY)
    outstanding(
        (("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)),
        (("coordinator",), "42", "2025-42", tuesday),
        (("coordinator",), "43", "2025-43", MONDAY),
    )
    digest.send_digests(tuesday)

    (monday_title, monday_body), (title, body) = digests("coordinator")
    assert monday_title == "Daily reminder: 2 items, 2 new"
    assert monday_body.splitlines() == [
        "New: Overdue since 03/08/2025: 2025-41 (overdue 2 days)",
        "New: Mediation due on 03/11/2025: 2025-42 (due tomorrow)",
    ]
    assert title == "Daily reminder: 3 items, 1 new"
    assert body.splitlines() == [
        "New: Overdue since 03/10/2025: 2025-43 (overdue 1 day)",
        "Overdue since 03/08/2025: 2025-41 (overdue 3 days)",
        "Mediation due on 03/11/2025: 2025-42 (due today)",
    ]


def test_resolved_items_are_counted_once_and_dropped() -> None:
    both = (
        (("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)),
        (("coordinator",), "42", "2025-42", MONDAY - timedelta(days=1)),
    )
    outstanding(*both)
    digest.send_digests(MONDAY)
    outstanding(both[1])  # 2025-41 was settled
    digest.send_digests(MONDAY + timedelta(days=1))
    digest.send_digests(MONDAY + timedelta(days=2))

    _monday, tuesday, wednesday = digests("coordinator")
    assert tuesday == (
        "Daily reminder: 1 item, 0 new",
        "Overdue since 03/09/2025: 2025-42 (overdue 2 days)\n"
        "1 resolved since the last daily reminder",
    )
    assert wednesday[1] == "Overdue since 03/09/2025: 2025-42 (overdue 3 days)"
    assert list(ReminderItem.objects.values_list("subject", flat=True)) == ["42"]


def test_nothing_for_a_person_with_nothing_outstanding() -> None:
    outstanding((("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)))
    digest.send_digests(MONDAY)
    outstanding()  # resolved: nothing left to remind anyone of
    assert digest.send_digests(MONDAY + timedelta(days=1)) == 0

    assert len(digests("coordinator")) == 1
    assert digests("mediator") == []
    assert not ReminderItem.objects.exists()


def test_each_reader_reads_the_digest_in_their_language_with_the_records_as_they_are() -> None:
    community = Community.objects.get(name="金江路社区")
    User.objects.filter(username="coordinator").update(language="")  # the default: Chinese
    outstanding(
        (("coordinator", "mediator"), "41", ref(community), MONDAY - timedelta(days=2)),
        (("coordinator", "mediator"), "42", "2025-42", MONDAY - timedelta(days=1)),
    )
    digest.send_digests(MONDAY)
    community.name = "金江路社区（新）"
    community.save(update_fields=["name"])

    [(title, body)] = digests("mediator")
    assert title == "Daily reminder: 2 items, 2 new"
    assert (
        body.splitlines()[0] == "New: Overdue since 03/08/2025: 金江路社区（新） (overdue 2 days)"
    )
    [(title, body)] = digests("coordinator")
    assert title.count("2") == 2  # two items, both new
    first, second = body.splitlines()
    # each item named by its own notice in Chinese, from the record as it is now
    assert "自 2025年3月8日 起已逾期：金江路社区（新）" in first
    assert "2" in first.split("金江路社区（新）")[1]  # overdue 2 days
    assert "自 2025年3月9日 起已逾期：2025-42" in second
    assert "Overdue" not in body


def test_a_second_run_the_same_day_sends_nothing_and_counts_nothing_twice() -> None:
    outstanding(
        (("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)),
        (("coordinator",), "42", "2025-42", MONDAY - timedelta(days=1)),
    )
    assert digest.send_digests(MONDAY) == 1
    assert digest.send_digests(MONDAY) == 0
    outstanding(*OUTSTANDING[1:])  # one resolved before the next day's run
    assert digest.send_digests(MONDAY + timedelta(days=1)) == 1
    assert digest.send_digests(MONDAY + timedelta(days=1)) == 0

    monday, tuesday = digests("coordinator")
    assert monday[0] == "Daily reminder: 2 items, 2 new"
    assert tuesday == (
        "Daily reminder: 1 item, 0 new",
        "Overdue since 03/09/2025: 2025-42 (overdue 2 days)\n"
        "1 resolved since the last daily reminder",
    )


def test_a_failing_collector_resolves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    outstanding((("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)))
    digest.send_digests(MONDAY)

    def broken(today: date) -> int:
        raise RuntimeError("the database of follow-ups is away")

    monkeypatch.setattr(digest, "COLLECTORS", [broken])  # today the case was not reminded
    assert digest.send_digests(MONDAY + timedelta(days=1)) == 0
    assert list(ReminderItem.objects.values_list("subject", flat=True)) == ["41"]


def test_remind_names_the_people_reminded_for_the_first_time_that_day() -> None:
    def again(usernames: tuple[str, ...], today: date) -> list[str]:
        reminded = digest.remind(
            [person(name) for name in usernames],
            subject="41",
            template="tests.digest_overdue",
            params={"due": day(MONDAY), "case": "2025-41"},
            due=MONDAY,
            today=today,
        )
        return [user.username for user in reminded]

    tuesday = MONDAY + timedelta(days=1)
    assert again(("mediator",), MONDAY) == ["mediator"]
    assert again(("mediator",), MONDAY) == []  # the sender's timeline event: once a day
    assert again(("coordinator", "mediator"), MONDAY) == ["coordinator"]
    assert sorted(again(("coordinator", "mediator"), tuesday)) == ["coordinator", "mediator"]
    assert again(("mediator",), tuesday) == []
    assert set(ReminderItem.objects.values_list("first_seen", "last_seen")) == {(MONDAY, tuesday)}


def test_only_a_reminder_notice_is_an_item() -> None:
    with pytest.raises(ValueError, match=r"tests\.digest_case"):
        digest.remind(
            [person("coordinator")], subject="41", template="tests.digest_case", params={}
        )
    assert not ReminderItem.objects.exists()


def test_the_digest_goes_out_at_8_in_the_morning_in_shanghai(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["daily-digest"]
    assert entry["task"] == "clinic.notify.tasks.send_digests"
    assert entry["schedule"] == crontab(hour=8, minute=0)
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Asia/Shanghai"
    outstanding((("coordinator",), "41", "2025-41", MONDAY - timedelta(days=2)))
    # the digest is of the day in Shanghai
    eight = datetime(2025, 3, 10, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(eight, tick=False):
        assert digest.send_digests() == 1
    assert Notification.objects.get(user__username="coordinator").key.endswith(":2025-03-10")
