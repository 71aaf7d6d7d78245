"""The notification layer as people meet it: each notice in the reader's language, never stale,
through the channels they chose (alerts through all), with full links and a text to copy into a
chat group; and a deployment without a site address fails its deploy check."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clinic import checks
from clinic.models import ChannelChoice, Community, Delivery, Notification, User
from clinic.notify import backends
from clinic.notify.dispatch import notify
from clinic.notify.notices import Kind, Notice, ref, register, text
from clinic.notify.render import render_notification
from tests.conftest import client_for, person

pytestmark = pytest.mark.django_db

register(
    # an English msgid the catalogue already translates, so the Chinese is known
    Notice("tests.assigned", _("A case was assigned to you: %(case)s"), Kind.CASE, sms=("case",)),
    Notice("tests.alert", _("A case was assigned to you: %(case)s"), Kind.ALERT, sms=("case",)),
)


@pytest.fixture
def reachable(demo: None, settings: Any) -> list[User]:
    """The coordinator and the mediator, each with an email address and a mobile number."""
    settings.CLINIC_SMS_BACKEND = "memory"
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    backends.clear()
    people = [person("coordinator"), person("mediator")]
    for number, user in enumerate(people):
        user.email, user.phone = f"{user.username}@example.org", f"1370871000{number}"
        user.save(update_fields=["email", "phone"])
    return people


def send(template: str, params: dict[str, Any], users: list[User], key: str = "k") -> None:
    # the sender works in English; the deliveries go once the action's transaction commits
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        translation.override("en"),
        transaction.atomic(),
    ):
        notify(template, params, users, key=key, url="/cases/21/")


def title_of(user: User) -> str:
    return render_notification(Notification.objects.get(user=user)).title


def test_each_reader_gets_the_notice_in_their_own_language(reachable: list[User]) -> None:
    coordinator, mediator = reachable
    User.objects.filter(pk=mediator.pk).update(language="en")

    send("tests.assigned", {"case": "(2026)盘金人调字第3号"}, [coordinator, mediator])

    assert title_of(coordinator) == "您有新分配的案件：(2026)盘金人调字第3号"
    assert title_of(mediator) == "A case was assigned to you: (2026)盘金人调字第3号"


def test_a_title_is_rendered_from_the_record_as_it_is_now(reachable: list[User]) -> None:
    coordinator = reachable[0]
    community = Community.objects.get(name="金江路社区")
    send("tests.assigned", {"case": ref(community)}, [coordinator])
    Community.objects.filter(pk=community.pk).update(name="金江路新社区")

    page = client_for("coordinator").get(reverse("clinic:notifications")).content.decode()

    assert "您有新分配的案件：金江路新社区" in page


def test_a_phrase_parameter_is_in_the_readers_language(reachable: list[User]) -> None:
    coordinator, mediator = reachable
    User.objects.filter(pk=mediator.pk).update(language="en")
    phrase = text(_("Legal advice"))
    send("tests.assigned", {"case": phrase}, [coordinator, mediator])

    assert title_of(mediator).endswith("Legal advice")
    assert "Legal advice" not in title_of(coordinator)


def test_email_and_sms_follow_the_persons_choice_per_kind(reachable: list[User]) -> None:
    coordinator, mediator = reachable
    ChannelChoice.objects.create(user=mediator, kind=Kind.CASE, email=False, sms=True)

    send("tests.assigned", {"case": "第3号"}, [coordinator, mediator])

    channels = set(Delivery.objects.values_list("notification__user__username", "channel"))
    # the default for case work: email, no SMS; the mediator chose SMS instead
    assert channels == {("coordinator", "email"), ("mediator", "sms")}
    assert [m.address for m in backends.SENT] == [mediator.phone]
    assert backends.SENT[0].params == {"case": "第3号"}


def test_an_alert_goes_through_every_channel_whatever_was_chosen(reachable: list[User]) -> None:
    mediator = reachable[1]
    for kind in Kind:
        ChannelChoice.objects.create(user=mediator, kind=kind, email=False, sms=False)

    send("tests.alert", {"case": "第3号"}, [mediator])

    assert set(Delivery.objects.values_list("channel", "state")) == {
        ("email", "sent"),
        ("sms", "sent"),
    }


def test_without_an_sms_gateway_no_sms_is_queued(reachable: list[User], settings: Any) -> None:
    settings.CLINIC_SMS_BACKEND = "none"
    send("tests.alert", {"case": "第3号"}, [reachable[1]])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_the_inbox_offers_the_text_for_a_chat_group_with_a_full_link(
    reachable: list[User],
) -> None:
    send("tests.assigned", {"case": "第3号"}, [reachable[0]])

    page = client_for("coordinator").get(reverse("clinic:notifications")).content.decode()

    assert "复制到群" in page or "Copy for the group" in page
    assert "【您有新分配的案件：第3号】\nhttps://clinic.example.org/cases/21/" in page
    assert "电子邮箱：已发送" in page  # the delivery log


def test_the_inbox_costs_the_same_queries_however_many_notices(
    reachable: list[User], django_assert_max_num_queries: Any
) -> None:
    communities = list(Community.objects.all()[:6])
    for number, community in enumerate(communities):
        send("tests.assigned", {"case": ref(community)}, [reachable[0]], key=f"k{number}")
    client = client_for("coordinator")
    client.get(reverse("clinic:notifications"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("clinic:notifications"))
    assert all(c.name in page.content.decode() for c in communities)


def test_a_person_chooses_their_language_and_channels(reachable: list[User]) -> None:
    client = client_for("mediator")
    url = reverse("clinic:notice_settings")
    page = client.get(url)
    assert page.status_code == 200 and "通知设置" in page.content.decode()
    data = {"language": "en", "visit_email": "on", "visit_sms": "on", "case_sms": "on"}

    assert client.post(url, data).status_code == 302

    mediator = person("mediator")
    assert mediator.language == "en"
    case = ChannelChoice.objects.get(user=mediator, kind="case")
    assert (case.email, case.sms) == (False, True)
    assert not ChannelChoice.objects.filter(user=mediator, kind="visit").exists()  # the default
    assert client.post(url, {"language": "fr"}).status_code == 400
    assert person("mediator").language == "en"


def test_the_deploy_check_wants_the_sites_https_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_SITE_URL", raising=False)
    assert [e.id for e in checks.check_site_url(None)] == ["clinic.E010"]
    monkeypatch.setenv("CLINIC_SITE_URL", "http://clinic.example.org")
    assert [e.id for e in checks.check_site_url(None)] == ["clinic.E010"]
    monkeypatch.setenv("CLINIC_SITE_URL", "https://clinic.example.org")
    assert checks.check_site_url(None) == []


def test_cron_sends_again_what_a_gateway_turned_away(reachable: list[User]) -> None:
    with transaction.atomic():  # the action's commit never came round to sending it
        notify("tests.assigned", {"case": "第3号"}, [reachable[0]], key="k", url="/cases/21/")
    Delivery.objects.update(attempts=1, last_error="HTTP 503")
    out = io.StringIO()

    call_command("retry_deliveries", stdout=out)

    assert Delivery.objects.get().state == "sent"
    assert "sent 1" in out.getvalue()
