"""An archived case is read-only: every form route about it, sent its valid form by everyone
the access table lets act on it, is refused (403, naming the volume number) and changes
nothing; reading, binding the case file and downloading stay possible."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cases.actions import do_assign_professional
from cases.documents.actions import do_archive_case
from cases.models import (
    Advice,
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    CaseUserObjectPermission,
    ConsultationInvitee,
    FollowUp,
    JointConsultation,
    MediationRecord,
    Party,
    PerformanceItem,
)
from clinic.actions import do_create_person
from clinic.choices import Role
from clinic.models import Community
from tests.cases.documents.test_documents import complete_case
from tests.cases.factories import fresh
from tests.conftest import client_for, person
from tests.form_payloads import NEW_PASSWORD, VALID, Target
from tests.test_access_matrix import TABLE, _kwargs
from tests.test_form_routes import CASE_KINDS, form_routes

VOLUME = "2026-盘金-041"
#: Form routes about a case that only read it: they stay open on an archived case. The 卷宗
#: review (以案定补) judges the file as it was archived: it records a review beside the case
#: and changes nothing of it.
READING = {
    "cases:request_case_file",
    "cases:reveal_party",
    "cases:reveal_follow_up",
    "cases:review_file",
}


@pytest.fixture
def archived(demo: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """A complete case (records, a concluded consultation, a signed agreement and its scan, a
    performed follow-up) with a lawyer advising, archived under ``VOLUME``."""
    settings.MEDIA_ROOT = tmp_path
    do_create_person(  # whom the forms hand the case to
        username="mediator2",
        password=NEW_PASSWORD,
        display_name="何雪梅",
        actor=person("admin"),
        role=Role.MEDIATOR,
        region=Community.objects.get(name="金江路社区"),
    )
    case = complete_case()
    do_assign_professional(
        fresh(case), actor=person("coordinator"), professional=person("lawyer"), role="lawyer"
    )
    do_archive_case(fresh(case), actor=person("mediator"), volume_no=VOLUME)
    case = fresh(case)
    agreement = case.current_agreement
    return {
        "case": case,
        "party": case.parties.order_by("pk").first(),
        "professional": person("lawyer"),
        "agreement": agreement,
        "signed": agreement,
        "follow_up": case.follow_ups.order_by("pk").first(),
        "consultation": case.consultations.order_by("pk").first(),
        "attachment": case.attachments.order_by("pk").first(),
    }


def snapshot(case: Case) -> dict[str, list[dict[str, Any]]]:
    """Everything of the case a change could touch, row by row."""
    tables = {
        "case": Case.objects.filter(pk=case.pk),
        "parties": Party.objects.filter(case=case),
        "records": MediationRecord.objects.filter(case=case),
        "agreements": Agreement.objects.filter(case=case),
        "items": PerformanceItem.objects.filter(agreement__case=case),
        "advice": Advice.objects.filter(case=case),
        "attachments": Attachment.objects.filter(case=case),
        "follow_ups": FollowUp.objects.filter(case=case),
        "consultations": JointConsultation.objects.filter(case=case),
        "invitees": ConsultationInvitee.objects.filter(consultation__case=case),
        "events": CaseEvent.objects.filter(case=case),
        "grants": CaseUserObjectPermission.objects.filter(content_object=case),
    }
    return {
        name: [dict(row) for row in rows.order_by("pk").values()] for name, rows in tables.items()
    }


def _routes() -> list[str]:
    kinds = set(CASE_KINDS) | {"attachment"}
    return [name for name in form_routes() if TABLE[name].kind in kinds]


@dataclass
class Answer:
    status: int
    done: bool
    archived: bool  # the page says the case is archived under its volume number


def _walk(objects: dict[str, Any], *, undo: bool) -> dict[str, Answer]:
    """Every form route about the case, its valid form(s) sent by everyone the access table
    lets act on it; ``undo``: each request in a savepoint rolled back afterwards."""
    answers: dict[str, Answer] = {}
    clients: dict[str, Client] = {}
    for name in _routes():
        rule = TABLE[name]
        for role in sorted(rule.own):
            client = clients.setdefault(role, client_for(role))
            target = Target(role, objects)
            with transaction.atomic():  # a payload may set up its form: not kept
                sends = VALID[name](target)
                transaction.set_rollback(True)
            for send in sends:
                url = reverse(name, kwargs=_kwargs(rule, name, objects, role) | send.kwargs)
                url += f"?{send.query}" if send.query else ""
                with transaction.atomic():
                    response = client.post(url, send.data)
                    transaction.set_rollback(undo)
                refused = any(
                    m.level >= messages.ERROR for m in get_messages(response.wsgi_request)
                )
                status = response.status_code
                answers[f"{name} [{send.label}] as {role}"] = Answer(
                    status,
                    (status == 302 or (status == 200 and name in READING)) and not refused,
                    VOLUME in response.content.decode(),
                )
    return answers


def test_every_form_route_of_an_archived_case_is_refused_and_changes_nothing(
    archived: dict[str, Any],
) -> None:
    case = archived["case"]
    before = snapshot(case)
    answers = _walk(archived, undo=False)
    assert snapshot(case) == before

    # The same forms on the same case, not archived (each undone): what would have been done.
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(archived_at=None, volume_no="")
        would = _walk(archived | {"case": fresh(case)}, undo=True)
        transaction.set_rollback(True)

    possible = [where for where, answer in would.items() if answer.done]
    print("done on the closed case, refused once archived:", *possible, sep="\n  ")
    # on this closed case: its confirmation, its files, advice, assignment, archiving, …
    assert len(possible) >= 10, possible
    surprises = [
        f"{where}: {answers[where].status}"
        for where in possible
        if where.split(" [")[0] not in READING
        and not (answers[where].status == 403 and answers[where].archived)
    ]
    surprises += [
        f"{where}: reading refused ({answers[where].status})"
        for where in possible
        if where.split(" [")[0] in READING and not answers[where].done
    ]
    surprises += [
        f"{where}: done on the archived case"
        for where, answer in answers.items()
        if answer.done and where.split(" [")[0] not in READING
    ]
    assert not surprises, "\n".join(surprises)


def test_the_form_pages_of_an_archived_case_refuse_before_the_form_is_shown(
    archived: dict[str, Any],
) -> None:
    case = archived["case"]
    client = client_for("mediator")
    for name, args in [
        ("cases:edit_case", [case.pk]),
        ("cases:add_party", [case.pk]),
        ("cases:upload_attachment", [case.pk]),
        ("cases:archive_case", [case.pk]),
        ("cases:edit_party", [archived["party"].pk]),
        ("cases:update_confirmation", [archived["agreement"].pk]),
        ("cases:withdraw_attachment", [archived["attachment"].pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 403, name
        page = response.content.decode()
        assert VOLUME in page and "已归档" in page, name


def test_an_archived_case_can_still_be_read_and_its_files_downloaded(
    archived: dict[str, Any],
) -> None:
    case = archived["case"]
    for role in ("mediator", "coordinator", "lawyer"):
        client = client_for(role)
        page = client.get(case.get_absolute_url())
        assert page.status_code == 200
        assert VOLUME in page.content.decode()
        assert client.get(reverse("cases:document", args=[case.pk, "agreement"])).status_code == 200
        download = client.get(
            reverse("cases:download_attachment", args=[archived["attachment"].pk])
        )
        assert download.status_code == 200


def test_the_page_of_an_archived_case_offers_nothing_to_change(archived: dict[str, Any]) -> None:
    case = archived["case"]
    page = client_for("coordinator").get(case.get_absolute_url()).content.decode()
    change_pages = [
        reverse("cases:edit_case", args=[case.pk]),
        reverse("cases:add_party", args=[case.pk]),
        reverse("cases:upload_attachment", args=[case.pk]),
        reverse("cases:archive_case", args=[case.pk]),
        reverse("cases:update_confirmation", args=[archived["agreement"].pk]),
        reverse("cases:withdraw_attachment", args=[archived["attachment"].pk]),
        reverse("cases:edit_party", args=[archived["party"].pk]),
        reverse("cases:record_follow_up", args=[archived["follow_up"].pk]),
    ]
    assert [url for url in change_pages if f'href="{url}"' in page] == []
    # what only reads stays: binding the case file, revealing a party (recorded)
    assert f'action="{reverse("cases:request_case_file", args=[case.pk])}"' in page
    assert f'action="{reverse("cases:reveal_party", args=[archived["party"].pk])}"' in page
