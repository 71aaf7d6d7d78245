"""The duplicate check at registration: exact matches on ID number and phone, name-only
matches within the street, nothing told about cases the user cannot open, each check audited
and limited, and "register anyway" only as the answer to a warning shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.intake import checks
from cases.intake.actions import party_hashes
from cases.models import Case
from clinic.models import AuditEntry
from tests.cases.factories import party, registered_dispute
from tests.cases.intake.payloads import register_form
from tests.conftest import client_for

REGISTER = reverse("cases:register_dispute")


def _token(page: str) -> str:
    found = re.search(r'name="warned" value="([^"]+)"', page)
    assert found, "the page carries the warning it showed"
    return found.group(1)


def _warned(client: Client, **overrides: object) -> str:
    response = client.post(REGISTER, register_form(**overrides))
    assert response.status_code == 400
    return response.content.decode()


def test_an_open_case_the_user_may_open_is_named_linked_and_said_why(demo: None) -> None:
    first = registered_dispute()
    phone = first.parties.get(side="applicant").phone
    page = _warned(client_for("mediator"), **{"applicant-phone": phone})
    assert "可能重复" in page and "电话相同" in page
    assert f'href="{first.get_absolute_url()}"' in page
    assert 'name="register_anyway"' in page
    assert Case.objects.count() == 1


def test_the_same_id_number_typed_in_lower_case_is_a_match(demo: None) -> None:
    first = registered_dispute(
        parties=[
            party(side="applicant", name="赵建国", id_number="53010319700101005X"),
            party(side="respondent", name="钱丽"),
        ]
    )
    page = _warned(client_for("mediator"), **{"applicant-id_number": "53010319700101005x"})
    assert "身份证号相同" in page and first.get_absolute_url() in page


def test_register_anyway_is_not_offered_before_a_warning(demo: None) -> None:
    page = client_for("mediator").get(REGISTER).content.decode()
    assert 'name="register_anyway"' not in page


def test_register_anyway_answers_only_the_warning_that_was_shown(demo: None) -> None:
    first = registered_dispute()
    phone = first.parties.get(side="applicant").phone
    client = client_for("mediator")
    forged = client.post(
        REGISTER,
        register_form(**{"applicant-phone": phone, "register_anyway": "on", "warned": "x"}),
    )
    assert forged.status_code == 400 and Case.objects.count() == 1
    token = _token(forged.content.decode())
    again = client.post(
        REGISTER,
        register_form(**{"applicant-phone": phone, "register_anyway": "on", "warned": token}),
    )
    assert again.status_code == 302 and Case.objects.count() == 2


def test_the_override_is_recorded_on_the_timeline_with_the_warning_it_overrode(
    demo: None,
) -> None:
    first = registered_dispute()
    phone = first.parties.get(side="applicant").phone
    client = client_for("mediator")
    token = _token(_warned(client, **{"applicant-phone": phone}))
    client.post(
        REGISTER,
        register_form(**{"applicant-phone": phone, "register_anyway": "on", "warned": token}),
    )
    case = Case.objects.exclude(pk=first.pk).get()
    assert case.events.get().payload["overrode"] == [str(first)]
    page = client.get(case.get_absolute_url()).content.decode()
    assert "经核对可能重复后仍予登记" in page
    override = AuditEntry.objects.filter(detail__check="duplicates").order_by("pk").last()
    assert override is not None and override.detail["override"] is True


def test_a_case_the_user_cannot_open_is_never_described(demo: None) -> None:
    elsewhere = registered_dispute(
        by="mediator_jinse",
        community="金色社区",
        mediator="mediator_jinse",
        parties=[
            party(side="applicant", name="何某某", phone="13977776666"),
            party(side="respondent", name="马某某"),
        ],
    )
    page = _warned(client_for("mediator"), **{"applicant-phone": "13977776666"})
    assert "存在可能的匹配：请向综治专干核实" in page
    assert elsewhere.get_absolute_url() not in page
    for told in ("金色社区", "何某某", "马某某", str(elsewhere)):
        assert told not in page
    # nor through the audit entry the user could read back: it names no case they cannot open
    entry = AuditEntry.objects.filter(detail__check="duplicates").get()
    assert entry.detail["shown"] == [] and entry.detail["hidden"] == 1


def test_a_name_only_match_warns_within_the_street(demo: None) -> None:
    registered_dispute(
        parties=[party(side="applicant", name="周大妈"), party(side="respondent", name="钱丽")]
    )
    # the name as typed on another keyboard: a full-width space and a middle dot aside
    page = _warned(client_for("mediator"), **{"applicant-name": "周　大·妈"})
    assert "仅姓名相同（本街道内）" in page


def test_the_same_name_in_another_street_is_no_warning(demo: None) -> None:
    registered_dispute(
        by="mediator_jinse",
        community="金色社区",
        mediator="mediator_jinse",
        parties=[party(side="applicant", name="周大妈"), party(side="respondent", name="钱丽")],
    )
    response = client_for("mediator").post(REGISTER, register_form())
    assert response.status_code == 302


def test_each_check_is_audited_without_what_was_typed(demo: None) -> None:
    client_for("mediator").post(REGISTER, register_form())
    entry = AuditEntry.objects.get(detail__check="duplicates")
    assert entry.user is not None and entry.user.username == "mediator"
    assert "13888123456" not in str(entry.detail) and "周大妈" not in str(entry.detail)
    # …but who looked a resident up can be answered from the keyed hash of their phone
    assert party_hashes("", "13888123456")[1] in entry.detail["terms"]


def test_too_many_checks_in_a_minute_are_refused_in_chinese(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "PROBES_PER_MINUTE", 2)
    client = client_for("mediator")
    assert client.post(REGISTER, register_form()).status_code == 302
    assert client.post(REGISTER, register_form()).status_code == 400  # the same people: warned
    response = client.post(REGISTER, register_form())
    assert response.status_code == 429
    page = response.content.decode()
    assert "查询过于频繁" in page
    assert 'value="13888123456"' in page  # the form comes back as typed
    assert Case.objects.count() == 1
