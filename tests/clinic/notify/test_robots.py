"""The group robots page: a community's coordinator (or the district admin) lists the
community's robots without ever seeing a key again (only its last four characters), adds one
by pasting its webhook address, switches one off or on, and sends a test message; bad input
changes nothing and says why; everyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.choices import AuditEvent
from clinic.models import AuditEntry, Community, GroupRobot, MediationCommittee
from clinic.notify import backends
from clinic.notify.models import RobotProvider
from tests.conftest import client_for, person

pytestmark = pytest.mark.django_db

WECOM_KEY = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3ab12"
DINGTALK_KEY = "a" * 60 + "cd34"
WECOM_URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"
DINGTALK_URL = f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_KEY}"


@pytest.fixture
def jinjiang(demo: None, settings: Any) -> Community:
    settings.CLINIC_ROBOT_BACKEND = "memory"
    backends.clear()
    return Community.objects.get(name="金江路社区")


def robot(community: Community, *, name: str = "法律顾问群", key: str = WECOM_KEY) -> GroupRobot:
    return GroupRobot.objects.create(
        community=community,
        name=name,
        provider=RobotProvider.WECOM,
        key=key,
        added_by=person("coordinator"),
    )


def page_of(community: Community) -> str:
    return reverse("clinic:robots", args=[community.pk])


def add(community: Community, username: str = "coordinator", **data: str) -> Any:
    return client_for(username).post(
        reverse("clinic:add_robot", args=[community.pk]),
        {"name": "网格群", "provider": "wecom", "key": WECOM_URL} | data,
    )


def key_errors(response: Any) -> list[str]:
    return list(response.context["form"].errors.get("key", []))


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_a_key_only_by_its_last_four_characters(jinjiang: Community) -> None:
    robot(jinjiang)

    response = client_for("coordinator").get(page_of(jinjiang))

    page = response.content.decode()
    assert response.status_code == 200
    assert "法律顾问群" in page and "****ab12" in page
    assert WECOM_KEY not in page and WECOM_KEY[:8] not in page
    assert str(person("coordinator")) in page  # who added it


def test_the_list_takes_the_same_queries_whatever_the_number_of_robots(
    jinjiang: Community,
) -> None:
    client = client_for("coordinator")
    robot(jinjiang)
    client.get(page_of(jinjiang))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get(page_of(jinjiang))
    robot(jinjiang, name="网格群", key="11111111-2222-3333-4444-555555555555")
    robot(jinjiang, name="楼栋长群", key="21111111-2222-3333-4444-555555555555")
    with CaptureQueriesContext(connection) as three:
        client.get(page_of(jinjiang))
    assert len(three) == len(one)


# --- Adding -----------------------------------------------------------------------------------


def test_a_pasted_wecom_address_gives_its_key(jinjiang: Community) -> None:
    response = add(jinjiang)

    assert response.status_code == 302 and response["Location"] == page_of(jinjiang)
    added = GroupRobot.objects.get(community=jinjiang)
    assert (added.name, added.provider, added.key) == ("网格群", "wecom", WECOM_KEY)
    assert added.active and added.added_by == person("coordinator")
    entry = AuditEntry.objects.get(event=AuditEvent.REFERENCE_CHANGED, object_id=str(added.pk))
    assert entry.detail["change"] == "robot_added"
    assert WECOM_KEY not in str(entry.detail) + entry.object_repr


def test_a_pasted_dingtalk_address_gives_its_access_token(jinjiang: Community) -> None:
    add(jinjiang, provider="dingtalk", key=DINGTALK_URL)

    assert GroupRobot.objects.get(community=jinjiang).key == DINGTALK_KEY


def test_a_key_alone_is_taken_as_it_is(jinjiang: Community) -> None:
    add(jinjiang, key=f"  {WECOM_KEY} ")

    assert GroupRobot.objects.get(community=jinjiang).key == WECOM_KEY


@pytest.mark.parametrize(
    ("provider", "pasted"),
    [
        ("wecom", ""),
        ("wecom", "https://evil.example.com/cgi-bin/webhook/send?key=" + WECOM_KEY),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
        ("dingtalk", WECOM_URL),  # another provider's address
        ("wecom", "not a key!"),
        ("wecom", "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WECOM_KEY),
    ],
)
def test_bad_input_says_why_and_adds_nothing(
    jinjiang: Community, provider: str, pasted: str
) -> None:
    response = add(jinjiang, provider=provider, key=pasted)

    assert response.status_code == 400
    assert key_errors(response)
    assert not GroupRobot.objects.exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.REFERENCE_CHANGED).exists()


def test_a_robot_already_on_the_list_is_not_added_twice(jinjiang: Community) -> None:
    robot(jinjiang)

    response = add(jinjiang)

    assert response.status_code == 400 and key_errors(response)
    assert GroupRobot.objects.count() == 1


# --- Switching off and on ---------------------------------------------------------------------


def test_a_robot_switched_off_gets_no_test_message_until_switched_on(
    jinjiang: Community, django_capture_on_commit_callbacks: Any
) -> None:
    kept = robot(jinjiang)
    client = client_for("coordinator")
    switch = reverse("clinic:switch_robot", args=[kept.pk])
    test = reverse("clinic:test_robots", args=[jinjiang.pk])

    assert client.post(switch, {"active": "off"}).status_code == 302
    assert client.post(switch, {"active": "off"}).status_code == 302  # sent twice: once
    with django_capture_on_commit_callbacks(execute=True):
        client.post(test)
    assert backends.SENT == []
    assert not GroupRobot.objects.get(pk=kept.pk).active

    client.post(switch, {"active": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(test)
    assert [m.address for m in backends.SENT] == [WECOM_KEY]
    changes = AuditEntry.objects.filter(
        event=AuditEvent.REFERENCE_CHANGED, object_id=str(kept.pk)
    ).values_list("detail__change", flat=True)
    assert list(changes.order_by("pk")) == ["robot_off", "robot_on"]


def test_a_switch_without_saying_on_or_off_changes_nothing(jinjiang: Community) -> None:
    kept = robot(jinjiang)

    response = client_for("coordinator").post(reverse("clinic:switch_robot", args=[kept.pk]))

    assert response.status_code == 400
    assert GroupRobot.objects.get(pk=kept.pk).active


# --- The test message -------------------------------------------------------------------------


def test_the_test_message_reaches_each_group_in_use_and_the_list_says_it_went_out(
    jinjiang: Community, django_capture_on_commit_callbacks: Any
) -> None:
    robot(jinjiang)
    robot(jinjiang, name="网格群", key="11111111-2222-3333-4444-555555555555")
    GroupRobot.objects.filter(name="网格群").update(active=False)
    robot(Community.objects.get(name="金色社区"), name="金色群", key="3" * 32)
    client = client_for("coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clinic:test_robots", args=[jinjiang.pk]))

    assert response.status_code == 302
    [sent] = backends.SENT
    assert sent.address == WECOM_KEY and sent.channel == "robot"
    assert "金江路社区" in sent.title and str(person("coordinator")) in sent.body
    listed = client.get(page_of(jinjiang)).context["robots"]
    assert {r.name: r.last_state for r in listed} == {"法律顾问群": "sent", "网格群": None}


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["coordinator", "admin"])
def test_the_communitys_coordinator_and_the_district_admin_keep_its_robots(
    jinjiang: Community, username: str
) -> None:
    assert client_for(username).get(page_of(jinjiang)).status_code == 200
    assert add(jinjiang, username).status_code == 302


def test_another_communitys_coordinator_cannot_find_the_page_or_a_robot(
    jinjiang: Community,
) -> None:
    kept = robot(jinjiang)
    client = client_for("coordinator_jinse")

    assert client.get(page_of(jinjiang)).status_code == 404
    assert add(jinjiang, "coordinator_jinse").status_code == 404
    switch = reverse("clinic:switch_robot", args=[kept.pk])
    assert client.post(switch, {"active": "off"}).status_code == 404
    assert client.post(reverse("clinic:test_robots", args=[jinjiang.pk])).status_code == 404
    assert GroupRobot.objects.get(pk=kept.pk).active and backends.SENT == []


@pytest.mark.parametrize("username", ["mediator", "gridworker", "street", "lawyer"])
def test_other_roles_are_refused(jinjiang: Community, username: str) -> None:
    kept = robot(jinjiang)
    client = client_for(username)

    assert client.get(page_of(jinjiang)).status_code == 403
    switch = reverse("clinic:switch_robot", args=[kept.pk])
    assert client.post(switch, {"active": "off"}).status_code == 403
    assert GroupRobot.objects.get(pk=kept.pk).active


def test_the_committee_page_leads_its_keepers_to_the_robots(jinjiang: Community) -> None:
    committee = MediationCommittee.objects.get(community=jinjiang)
    url = reverse("clinic:committee", args=[committee.pk])

    assert page_of(jinjiang) in client_for("coordinator").get(url).content.decode()
    assert page_of(jinjiang) not in client_for("mediator").get(url).content.decode()
