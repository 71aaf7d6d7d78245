"""``clinic.submissions``: a form sent again (a double tap, a resend after a lost connection,
a Back) gets the first sending's answer instead of making a second record."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from clinic import submissions
from clinic.models import Community, Submission
from tests.conftest import client_for, person
from tests.races import REPEATS, race


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _advice(token: uuid.UUID | str, **overrides: Any) -> dict[str, Any]:
    data = {
        "community": Community.objects.get(name="金江路社区").pk,
        "dispute_type": "labour",
        "source": "walk_in",
        "question": "公司拖欠三个月工资，应该先找谁？",
        "answer": "可先向劳动保障监察大队投诉，或申请劳动仲裁。",
        "name": "陈师傅",
        "phone": "",
        submissions.FIELD: str(token),
    }
    data.update(overrides)
    return data


def test_a_form_sent_twice_makes_one_record_and_answers_the_first_redirect_again(
    demo: None,
) -> None:
    client = _english(client_for("mediator"))
    token = uuid.uuid4()
    first = client.post(reverse("cases:log_advice"), _advice(token))
    assert first.status_code == 302

    again = client.post(reverse("cases:log_advice"), _advice(token))

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.filter(kind="advice").count() == 1
    # (the first answer's own message is still waiting: its page was never shown)
    assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
        "This form was already submitted."
    )
    assert again.cookies[submissions.SENT_COOKIE].value == str(token)
    assert Submission.objects.get(token=token).location == first["Location"]


def test_a_form_sent_with_a_new_id_is_a_new_record(demo: None) -> None:
    client = client_for("mediator")
    for _ in range(2):
        assert client.post(reverse("cases:log_advice"), _advice(uuid.uuid4())).status_code == 302
    assert Case.objects.filter(kind="advice").count() == 2


def test_a_form_with_errors_can_be_sent_again_with_the_same_id(demo: None) -> None:
    client = client_for("mediator")
    token = uuid.uuid4()
    refused = client.post(reverse("cases:log_advice"), _advice(token, question=""))
    assert refused.status_code == 400
    assert not Submission.objects.exists()  # the claim was let go

    sent = client.post(reverse("cases:log_advice"), _advice(token))
    assert sent.status_code == 302 and Case.objects.filter(kind="advice").count() == 1


def test_each_person_has_their_own_ids(demo: None) -> None:
    token = uuid.uuid4()
    for username in ("mediator", "coordinator"):
        assert (
            client_for(username).post(reverse("cases:log_advice"), _advice(token)).status_code
            == 302
        )
    assert Case.objects.filter(kind="advice").count() == 2


def test_a_sending_is_forgotten_after_a_day(demo: None) -> None:
    client = client_for("mediator")
    token = uuid.uuid4()
    client.post(reverse("cases:log_advice"), _advice(token))
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        client.force_login(person("mediator"))  # the session itself ended long ago
        assert client.post(reverse("cases:log_advice"), _advice(token)).status_code == 302
    assert Case.objects.filter(kind="advice").count() == 2
    assert Submission.objects.count() == 1  # the day-old one was deleted as the next came


@pytest.mark.parametrize("value", ["", "not-a-uuid", "1; DROP TABLE x"])
def test_a_missing_or_malformed_id_is_an_ordinary_post(demo: None, value: str) -> None:
    client = client_for("mediator")
    for _ in range(2):
        assert client.post(reverse("cases:log_advice"), _advice(value)).status_code == 302
    assert Case.objects.filter(kind="advice").count() == 2
    assert not Submission.objects.exists()


def test_a_second_sending_while_the_first_is_still_answered_says_so(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.3)
    token = uuid.uuid4()
    Submission.objects.create(user=person("mediator"), token=token)  # held by another request
    answer = _english(client_for("mediator")).post(reverse("cases:log_advice"), _advice(token))
    assert answer.status_code == 409
    assert "This form is still being sent" in answer.content.decode()
    assert not Case.objects.exists()


def test_a_claim_left_by_a_process_that_died_is_taken_over(demo: None) -> None:
    token = uuid.uuid4()
    Submission.objects.create(
        user=person("mediator"), token=token, created_at=timezone.now() - timedelta(minutes=3)
    )
    answer = client_for("mediator").post(reverse("cases:log_advice"), _advice(token))
    assert answer.status_code == 302 and Case.objects.filter(kind="advice").count() == 1
    assert Submission.objects.get(token=token).location == answer["Location"]


def test_signing_in_is_never_answered_from_memory(demo: None) -> None:
    client = client_for("mediator")
    token = uuid.uuid4()
    for _ in range(2):
        answer = client.post(reverse("logout"), {submissions.FIELD: str(token)})
        assert answer.status_code == 302
        client.force_login(person("mediator"))
    assert not Submission.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_at_the_same_moment_makes_one_record() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    mediator = person("mediator")
    for round_ in range(REPEATS // 5):
        token = uuid.uuid4()

        def send(i: int, token: uuid.UUID = token) -> tuple[int, str]:
            client = Client()
            client.force_login(mediator)
            answer = client.post(reverse("cases:log_advice"), _advice(token, name=f"线程{i}"))
            return answer.status_code, answer["Location"]

        results = race(send)
        assert set(results) == {results[0]}, (round_, results)
        assert results[0][0] == 302
        assert Case.objects.filter(kind="advice").count() == round_ + 1
