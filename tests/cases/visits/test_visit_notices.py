"""What a home visit tells whom, and through which channels: a red request is an alert that
reaches the coordinator and the police officer by SMS whatever they chose; the professionals
chosen get an SMS with the reference and the time; each reads a notice in their own language."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases.models import VisitRequest
from clinic.models import ChannelChoice, Delivery, Notification, User
from clinic.notify import backends
from tests.cases.visits.test_home_visits import _request, _schedule
from tests.conftest import client_for
from tests.form_payloads import seen_version
from tests.scheduling.factories import at, user


@pytest.fixture(autouse=True)
def _sms_in_memory(settings: Any) -> None:
    settings.CLINIC_SMS_BACKEND = "memory"
    backends.clear()


def _texts_to(person: User) -> list[backends.Message]:
    return [m for m in backends.SENT if m.channel == "sms" and m.address == person.phone]


def test_a_red_request_reaches_coordinator_and_police_by_sms_though_visit_sms_is_off(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator, police = user("coordinator"), user("police")
    for person in (coordinator, police):
        ChannelChoice.objects.create(user=person, kind="visit", email=True, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        orange = _request(risk="orange")
    assert not _texts_to(coordinator)  # an orange request follows the coordinator's choice
    with django_capture_on_commit_callbacks(execute=True):
        red = _request(risk="red", resident_name="乙", resident_phone="13900001111")
    [to_coordinator] = _texts_to(coordinator)
    [to_police] = _texts_to(police)
    assert to_coordinator.params == {"reference": red.reference, "risk": "红色：立即处置"}
    assert to_police.params == to_coordinator.params
    told = Notification.objects.get(user=coordinator, key=f"visit:{red.pk}:requested")
    assert told.title == f"上门巡诊申请（红色：立即处置）：{red.reference}"
    assert told.body == "儿子长期不给赡养费，老人行动不便"
    assert not Notification.objects.filter(user=police, key=f"visit:{orange.pk}:requested")


def test_the_professionals_chosen_get_an_sms_with_the_reference_and_the_time(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    visit = _request()
    with django_capture_on_commit_callbacks(execute=True):
        assert _schedule(visit, hour=10).status_code == 302
    visit = VisitRequest.objects.get(pk=visit.pk)
    assert visit.visit_starts_at is not None
    day = visit.visit_starts_at.astimezone()
    when = f"{day.year}年{day.month}月{day.day}日 10:00"
    for username in ("lawyer", "police"):
        [text] = _texts_to(user(username))
        assert text.params == {"reference": visit.reference, "when": when}
    scheduled = Notification.objects.get(user__username="gridworker", key__contains="scheduled")
    assert scheduled.title == f"上门巡诊 {visit.reference} 已安排在 {when}"


def test_the_grid_worker_is_not_texted_that_the_visit_is_scheduled(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    """``visits.scheduled`` names no SMS parameters: the inbox and email carry it."""
    visit = _request()
    with django_capture_on_commit_callbacks(execute=True):
        assert _schedule(visit, hour=10).status_code == 302
    assert Notification.objects.filter(user__username="gridworker", key__contains="scheduled")
    assert not _texts_to(user("gridworker"))


def test_each_professional_reads_the_notice_in_their_own_language(demo: None) -> None:
    User.objects.filter(username="lawyer").update(language="en")
    visit = _request()
    assert _schedule(visit, hour=10).status_code == 302
    in_english = Notification.objects.get(user__username="lawyer", key__contains="assigned")
    in_chinese = Notification.objects.get(user__username="police", key__contains="assigned")
    assert in_english.title.startswith(f"You are asked to visit a resident: {visit.reference}, ")
    assert in_chinese.title.startswith(f"请您上门巡诊：{visit.reference}，")
    assert in_english.body == in_chinese.body == "儿子长期不给赡养费，老人行动不便"


def test_without_sms_the_coordinator_is_asked_to_phone_the_professionals(
    demo: None, settings: Any
) -> None:
    settings.CLINIC_SMS_BACKEND = "none"
    visit = _request()
    url = reverse("cases:schedule_visit", args=[visit.pk])
    client = client_for("coordinator")
    note = '<p class="msg msg-warning" role="note">'
    assert client.get(url).content.decode().count(note) == 1
    settings.CLINIC_SMS_BACKEND = "memory"
    assert note not in client.get(url).content.decode()
    settings.CLINIC_SMS_BACKEND = "none"
    start = at(days=2, hour=10)
    response = client.post(
        url,
        seen_version(visit)
        | {
            "day": start.date().isoformat(),
            "starts": "10:00",
            "ends": "11:00",
            "place": "金江路社区 3 栋",
            "professionals": [f"{user('lawyer').pk}:lawyer", f"{user('police').pk}:police"],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:visit_board")
    [warning] = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert "陈思远" in str(warning) and "刘强" in str(warning)  # the lawyer and the police officer
    assert not Delivery.objects.filter(channel="sms").exists()
