"""卷宗评查: the street officer (or the district admin) marks a concluded case's file 合格 or
不合格 with reasons; a failed file is reviewed again; every review stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cases.choices import Kind, Outcome, State
from cases.models import Case, FileReview
from clinic.choices import AuditEvent
from clinic.models import AuditEntry
from tests.cases.factories import in_state
from tests.cases.subsidies.factories import concluded, review
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(pk: int) -> str:
    return reverse("cases:review_file", args=[pk])


def test_the_street_officer_passes_a_file(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")

    response = client_for("street").post(url(case.pk), {"verdict": "passed", "seen_review": ""})

    assert response.status_code == 302
    assert FileReview.objects.get(case=case).verdict == "passed"
    assert AuditEntry.objects.filter(event=AuditEvent.FILE_REVIEWED, object_id=case.pk).exists()


def test_a_failed_file_needs_a_reason(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")

    response = client_for("street").post(url(case.pk), {"verdict": "failed", "seen_review": ""})

    assert response.status_code == 400
    assert "说明" in response.content.decode() or "reason" in response.content.decode()
    assert not FileReview.objects.exists()


def test_a_failed_file_is_fixed_and_reviewed_again_keeping_history(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")
    first = review(case, "failed")
    client = client_for("street")

    client.post(
        url(case.pk),
        {"verdict": "passed", "seen_review": first.pk},
    )

    assert list(case.file_reviews.values_list("verdict", flat=True)) == ["passed", "failed"]
    page = client.get(url(case.pk)).content.decode()
    assert "笔录" in page  # the earlier review's reason is listed


def test_two_reviewers_at_once_the_second_gets_409(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")
    client_for("street").post(url(case.pk), {"verdict": "passed", "seen_review": ""})

    late = client_for("admin").post(
        url(case.pk),
        {"verdict": "failed", "defects": ["facts_unclear"], "seen_review": ""},
    )

    assert late.status_code == 409
    assert FileReview.objects.filter(case=case).count() == 1


def test_an_open_case_is_not_reviewed(demo: None) -> None:
    case = in_state(State.SIT_IN)

    response = client_for("street").post(url(case.pk), {"verdict": "passed", "seen_review": ""})

    assert response.status_code == 400
    assert not FileReview.objects.exists()


def test_only_reviewers_of_the_street_review(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")

    assert client_for("mediator").get(url(case.pk)).status_code == 403
    assert client_for("street_donghua").get(url(case.pk)).status_code == 404


def test_the_list_shows_files_awaiting_review_first(
    demo: None, django_assert_max_num_queries: Any
) -> None:
    waiting = concluded(Outcome.SETTLED_WRITTEN, grade="simple")
    done = concluded(Outcome.FAILED, grade="ordinary")
    review(done)
    client = client_for("street")
    client.get(reverse("cases:file_reviews"))  # memberships cached

    # session, user, memberships' stamp, the communities, the count, the page
    with django_assert_max_num_queries(10):
        page = client.get(reverse("cases:file_reviews")).content.decode()

    assert waiting.number in page
    assert done.number not in page
    passed = client.get(reverse("cases:file_reviews"), {"standing": "passed"}).content.decode()
    assert done.number in passed


def test_a_legal_question_has_no_file_to_review(demo: None) -> None:
    case = concluded(Outcome.SETTLED_WRITTEN, grade="simple")
    Case.objects.filter(pk=case.pk).update(kind=Kind.ADVICE, number="")

    response = client_for("street").post(url(case.pk), {"verdict": "passed", "seen_review": ""})

    assert response.status_code == 404
    assert not FileReview.objects.exists()
