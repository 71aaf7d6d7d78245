from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.actions import do_assign_professional
from cases.choices import State
from cases.intake.actions import do_add_party
from clinic.models import AuditEntry
from tests.cases.factories import fresh, in_state, party, registered_dispute, user
from tests.conftest import client_for


def _detail_queries(case) -> int:
    client = client_for("mediator")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_detail_page_runs_the_same_queries_for_2_and_20_parties_and_events(
    demo: None,
) -> None:
    small = in_state(State.SIT_IN)
    big = in_state(State.SIT_IN)
    for i in range(18):
        do_add_party(
            fresh(big), actor=user("mediator"), data=party(side="third_party", name=f"第三人{i}")
        )
    assert fresh(big).parties.count() == 20 and fresh(big).events.count() >= 20
    assert _detail_queries(small) == _detail_queries(big)


def test_the_detail_page_runs_exactly_its_named_queries(demo: None) -> None:
    case = in_state(State.SIT_IN)
    expected = [
        "session",
        "user, with the unread count kept on its row",
        "the case, for access_case",
        "the viewer's grants on it",
        "the case again, with what its page joins",
        "its parties",
        "its timeline, with each event's actor",
        "its mediation records",
        "its agreements",
        "its advice",
        "its joint consultations",
        "its follow-ups",
        "its files",
        "the viewer's grants on the case read again (the page's own copy)",
        "the audit entry of the view: savepoint",
        *(
            ["the audit entry of the view: the chain's lock, taken till commit"]
            if connection.vendor == "postgresql"
            else []
        ),
        "the audit entry of the view: the chain's end it is sealed onto",
        "the audit entry of the view: insert",
        "the audit entry of the view: release",
        "the professionals on the case, for the earlier-advice check",
        "session save: savepoint",
        "session save: update",
        "session save: release",
    ]
    assert _detail_queries(case) == len(expected)


def test_personal_data_is_masked_until_revealed_and_each_reveal_is_recorded(demo: None) -> None:
    case = registered_dispute()
    applicant = case.parties.get(side="applicant")
    client = client_for("mediator")
    page = client.get(case.get_absolute_url()).content.decode()
    assert applicant.id_number not in page and applicant.phone not in page
    assert f"{applicant.id_number[:6]}********{applicant.id_number[-4:]}" in page
    assert f"{applicant.phone[:3]}****{applicant.phone[-4:]}" in page
    revealed = client.post(reverse("cases:reveal_party", args=[applicant.pk])).content.decode()
    assert applicant.id_number in revealed and applicant.phone in revealed
    entry = AuditEntry.objects.get(event="reveal")
    assert entry.username == "mediator" and entry.object_id == str(applicant.pk)


def test_a_professional_sees_masks_and_cannot_reveal(demo: None) -> None:
    case = registered_dispute()
    do_assign_professional(
        case, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    applicant = case.parties.get(side="applicant")
    client = client_for("lawyer")
    page = client.get(case.get_absolute_url()).content.decode()
    assert applicant.phone not in page and applicant.id_number not in page
    assert client.post(reverse("cases:reveal_party", args=[applicant.pk])).status_code == 403
    assert not AuditEntry.objects.filter(event="reveal").exists()


def test_outsiders_get_404_for_the_case_its_parties_and_files(demo: None) -> None:
    case = registered_dispute()
    applicant = case.parties.get(side="applicant")
    for username in ["judge", "gridworker", "street", "coordinator_jinse", "mediator_jinse"]:
        client = client_for(username)
        assert client.get(case.get_absolute_url()).status_code == 404
        assert client.get(reverse("cases:edit_party", args=[applicant.pk])).status_code == 404
        assert client.post(reverse("cases:reveal_party", args=[applicant.pk])).status_code == 404


def test_viewing_a_case_is_recorded(demo: None) -> None:
    case = registered_dispute()
    client_for("coordinator").get(case.get_absolute_url())
    assert AuditEntry.objects.filter(event="view", object_id=str(case.pk)).count() == 1
