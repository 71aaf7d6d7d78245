"""A home-visit request changed by two people at once: the second to send their form gets 409
and what the first did (the schedule, field by field; the outcome recorded), keeps what they
typed, and nothing is overwritten."""

from __future__ import annotations

from django.urls import reverse

from cases.models import VisitRequest
from tests.cases.visits.test_home_visits import _at_the_door, _request, _schedule
from tests.clinic.lib.shown import shown_version
from tests.conftest import client_for


def _conflict(page: str) -> str:
    return page.split('class="conflict"', 1)[1].split("</dl>", 1)[0]


def test_a_cancellation_sent_after_the_visit_was_scheduled_shows_the_schedule(
    demo: None,
) -> None:
    visit = _request()
    cancel = reverse("cases:cancel_visit", args=[visit.pk])
    gridworker = client_for("gridworker")
    shown = shown_version(gridworker, cancel)
    assert _schedule(visit, hour=15).status_code == 302
    response = gridworker.post(cancel, shown | {"note": "居民说不用来了"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "15:00" in _conflict(page) and "居民说不用来了" in page
    assert VisitRequest.objects.get(pk=visit.pk).status == "scheduled"


def test_two_visitors_record_the_outcome_the_second_sees_the_first(demo: None) -> None:
    visit = _request()
    assert _schedule(visit).status_code == 302
    url = reverse("cases:visit_outcome", args=[visit.pk])
    with _at_the_door(visit):
        lawyer, police = client_for("lawyer"), client_for("police")
        first, second = shown_version(lawyer, url), shown_version(police, url)
        done = lawyer.post(
            url, first | {"outcome": "advice", "note": "当场解答", "answer": "可起诉"}
        )
        assert done.status_code == 302
        lost = police.post(
            url, second | {"outcome": "advice", "note": "另行解答", "answer": "调解"}
        )
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "本次上门的结果已经记录。" in page  # what the first visitor did
    assert "另行解答" in page
    stored = VisitRequest.objects.get(pk=visit.pk)
    assert stored.outcome_note == "当场解答"
    hidden = set(getattr(lost.wsgi_request, "sensitive_post_parameters", ()))
    assert {"respondent_name", "respondent_phone"} <= hidden
