"""Documents that must carry full ID numbers (the agreement, the judicial-confirmation pack and
the bound 卷宗) carry them only for those who may see personal data, and each such copy is in
the audit log as a reveal naming the document and the case; everyone else, and every other
document, gets the masked copy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.actions import do_assign_professional
from cases.models import Case, DocumentJob
from clinic.models import AuditEntry
from tests.cases.documents.test_documents import _text, complete_case
from tests.cases.factories import user
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _id_number(case: Case) -> str:
    return case.parties.get(side="applicant").id_number


def _entries(case: Case, event: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event=event, object_type="case", object_id=str(case.pk)))


@pytest.mark.parametrize("kind", ["agreement", "confirmation"])
def test_a_full_copy_is_recorded_as_a_reveal_of_that_document_of_that_case(
    demo: None, kind: str
) -> None:
    case = complete_case()
    response = client_for("mediator").get(reverse("cases:document", args=[case.pk, kind]))
    assert response.status_code == 200
    assert _id_number(case) in _text(response.content)
    [reveal] = _entries(case, "reveal")
    assert reveal.username == "mediator"
    assert reveal.detail["document"] == kind and reveal.detail["case"] == case.pk
    assert reveal.object_repr == str(case)
    assert not _entries(case, "download")


def test_a_document_without_full_ids_is_a_masked_download_not_a_reveal(demo: None) -> None:
    case = complete_case()
    number = _id_number(case)
    response = client_for("coordinator").get(reverse("cases:document", args=[case.pk, "register"]))
    assert number not in _text(response.content) and number[-4:] in _text(response.content)
    assert not _entries(case, "reveal")
    [download] = _entries(case, "download")
    assert download.detail["document"] == "register" and download.detail["full_ids"] is False


def test_someone_who_may_not_see_personal_data_gets_the_masked_agreement(demo: None) -> None:
    case = complete_case()
    do_assign_professional(
        case, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    number = _id_number(case)
    response = client_for("lawyer").get(reverse("cases:document", args=[case.pk, "agreement"]))
    text = _text(response.content)
    assert response.status_code == 200 and number not in text and number[-4:] in text
    phone = case.parties.get(side="applicant").phone
    assert phone not in text
    assert not _entries(case, "reveal")
    [download] = _entries(case, "download")
    assert download.username == "lawyer" and download.detail["full_ids"] is False


def _bind(client, case: Case, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_file", args=[case.pk]))
    assert response.status_code == 302
    return response["Location"] + "download/"


def test_the_bound_case_file_carries_full_ids_and_its_download_is_a_reveal(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    case = complete_case()
    client = client_for("mediator")
    download = client.get(_bind(client, case, django_capture_on_commit_callbacks))
    assert _id_number(case) in _text(download.getvalue())
    [reveal] = _entries(case, "reveal")
    assert reveal.detail["document"] == "casefile" and reveal.detail["case"] == case.pk


def test_a_case_file_bound_for_a_lawyer_is_masked_and_a_full_one_is_not_theirs_to_take(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    case = complete_case()
    do_assign_professional(
        case, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    client = client_for("lawyer")
    url = _bind(client, case, django_capture_on_commit_callbacks)
    download = client.get(url)
    assert _id_number(case) not in _text(download.getvalue())
    assert not _entries(case, "reveal") and len(_entries(case, "download")) == 1
    DocumentJob.objects.filter(requested_by=user("lawyer")).update(reveal_ids=True)
    assert client.get(url).status_code == 403
    assert not _entries(case, "reveal")
