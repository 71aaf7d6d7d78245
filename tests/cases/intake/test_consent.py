"""Consent to mediation and the rights notice are acts somebody records, never ticked in
advance; a minor or a person without full capacity consents through a guardian; an agent
needs their power of attorney on file before the dispute is accepted."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from cases.intake.actions import do_add_party, do_record_consent, do_update_party
from cases.models import Attachment, Case, Party
from tests.cases.factories import fresh, party, registered_dispute, resident_id, user
from tests.cases.intake.payloads import register_form
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _accept(case: Case, username: str = "mediator") -> int:
    response = client_for(username).post(
        reverse("cases:fire_transition", args=[case.pk, "accept"]), {"version": fresh(case).version}
    )
    return response.status_code


def _checked(page: str, name: str) -> bool:
    tag = page[page.index(f'name="{name}"') :]
    return "checked" in tag[: tag.index(">")]


def test_the_register_form_ticks_no_consent_and_no_notice(demo: None) -> None:
    page = client_for("mediator").get(reverse("cases:register_dispute")).content.decode()
    for side in ("applicant", "respondent"):
        assert not _checked(page, f"{side}-consented")
        assert '<option value="" selected>' in page[page.index(f'name="{side}-notice_method"') :]


def test_the_add_party_form_ticks_no_consent(demo: None) -> None:
    case = registered_dispute()
    page = client_for("mediator").get(reverse("cases:add_party", args=[case.pk])).content
    assert not _checked(page.decode(), "consented")


def test_a_party_registered_without_consent_ticked_has_none_recorded(demo: None) -> None:
    form = register_form()
    del form["applicant-consented"]
    assert client_for("mediator").post(reverse("cases:register_dispute"), form).status_code == 302
    applicant = Party.objects.get(side="applicant")
    assert applicant.consented_at is None and applicant.consent_recorded_by is None
    respondent = Party.objects.get(side="respondent")
    assert respondent.consented_at is not None
    assert respondent.consent_recorded_by is not None
    assert respondent.consent_recorded_by.username == "mediator"


def test_recording_consent_says_who_recorded_it_and_how_the_party_was_told(demo: None) -> None:
    case = registered_dispute(consented=False)
    applicant = case.parties.get(side="applicant")
    response = client_for("mediator").post(
        reverse("cases:party_consent", args=[applicant.pk]),
        {"consented": "on", "notice_method": "oral", "note": "当面告知"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.consented_at is not None and applicant.notice_method == "oral"
    assert applicant.consent_recorded_by is not None
    assert applicant.consent_recorded_by.username == "mediator"
    assert applicant.consent_by is None


def test_a_minors_own_consent_is_refused_at_registration(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(**{"applicant-minor": "on"})
    )
    assert response.status_code == 400
    assert "未成年人或无（限制）民事行为能力人不能自行表示同意" in response.content.decode()
    assert not Case.objects.exists()


def test_a_child_known_only_by_their_id_number_consents_through_a_guardian(demo: None) -> None:
    """The minor box left unticked: the ID number's birth date (2015) says it."""
    child = resident_id(birth="20150601")
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(**{"applicant-id_number": child})
    )
    assert response.status_code == 400
    assert "未成年人或无（限制）民事行为能力人不能自行表示同意" in response.content.decode()
    assert not Case.objects.exists()
    case = registered_dispute(
        parties=[
            party(
                side="applicant",
                name="小明",
                id_type="resident_id",
                id_number=child,
                consented=False,
            ),
            party(side="respondent", name="钱丽"),
        ]
    )
    assert case.parties.get(side="applicant").needs_guardian


def _ward_case() -> tuple[Case, Party]:
    case = registered_dispute(
        parties=[
            party(side="applicant", name="小明", minor=True, consented=False),
            party(side="respondent", name="钱丽"),
        ]
    )
    applicant = case.parties.get(side="applicant")
    told = client_for("mediator").post(
        reverse("cases:party_consent", args=[applicant.pk]), {"notice_method": "written"}
    )
    assert told.status_code == 302  # a ward is told their rights themselves
    return case, applicant


def test_a_minor_without_a_guardians_consent_cannot_be_accepted(demo: None) -> None:
    case, ward = _ward_case()
    assert _accept(case) == 400
    assert fresh(case).state == "registered"
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "小明须由监护人代为同意" in page
    assert f"?side=guardian&amp;represents={ward.pk}" in page


def test_consent_for_a_minor_is_refused_without_a_guardian(demo: None) -> None:
    _case, ward = _ward_case()
    response = client_for("mediator").post(
        reverse("cases:party_consent", args=[ward.pk]), {"consented": "on"}
    )
    assert response.status_code == 400
    assert "请先添加其监护人" in response.content.decode()
    ward.refresh_from_db()
    assert ward.consented_at is None


def test_a_guardian_added_for_a_minor_consents_for_them_and_the_case_is_accepted(
    demo: None,
) -> None:
    case, ward = _ward_case()
    client = client_for("mediator")
    added = client.post(
        reverse("cases:add_party", args=[case.pk]),
        {
            "side": "guardian",
            "represents": ward.pk,
            "relation": "母亲",
            "name": "小明妈妈",
            "id_type": "resident_id",
            "id_number": resident_id(),
            "phone": "13812340000",
        },
    )
    assert added.status_code == 302
    guardian = case.parties.get(side="guardian")
    assert guardian.represents == ward and guardian.relation == "母亲"
    assert guardian.consented_at is None  # a guardian's agreement is recorded on the ward
    recorded = client.post(
        reverse("cases:party_consent", args=[ward.pk]),
        {"guardian": guardian.pk, "consented": "on"},
    )
    assert recorded.status_code == 302
    ward.refresh_from_db()
    assert ward.consent_by == guardian and ward.consented_at is not None
    assert ward.consent_recorded_by is not None
    page = client.get(case.get_absolute_url()).content.decode()
    assert "当事人小明经监护人小明妈妈同意调解" in page
    assert _accept(case) == 302
    assert fresh(case).state == "sit_in"


def test_a_guardian_who_stops_acting_for_the_ward_takes_their_consent_with_them(
    demo: None,
) -> None:
    case, ward = _ward_case()
    guardian = do_add_party(
        case,
        actor=user("mediator"),
        data={"side": "guardian", "represents": ward, "relation": "母亲", "name": "小明妈妈"},
    )
    ward.refresh_from_db()  # told their rights on the page meanwhile
    do_record_consent(
        ward, actor=user("mediator"), consented=True, notice_method="", guardian=guardian
    )
    ward.refresh_from_db()
    assert ward.consent_complete
    # entered for the wrong party: she acts for the respondent
    other = case.parties.get(side="respondent")
    do_update_party(guardian, actor=user("mediator"), changes={"represents": other})
    ward.refresh_from_db()
    assert ward.consented_at is None and ward.consent_by is None
    assert not ward.consent_complete
    assert _accept(case) == 400


def test_someone_elses_guardian_cannot_consent_for_a_minor(demo: None) -> None:
    case, ward = _ward_case()
    other = case.parties.get(side="respondent")
    client_for("mediator").post(
        reverse("cases:add_party", args=[case.pk]),
        {"side": "guardian", "represents": other.pk, "name": "钱丽家属"},
    )
    guardian = case.parties.get(side="guardian")
    response = client_for("mediator").post(
        reverse("cases:party_consent", args=[ward.pk]),
        {"guardian": guardian.pk, "consented": "on"},
    )
    assert response.status_code == 400
    ward.refresh_from_db()
    assert ward.consented_at is None


def test_an_agent_names_the_party_they_act_for(demo: None) -> None:
    case = registered_dispute()
    response = client_for("mediator").post(
        reverse("cases:add_party", args=[case.pk]), {"side": "agent", "name": "孙律师"}
    )
    assert response.status_code == 400
    assert "请选择其代理或监护的当事人" in response.content.decode()
    assert not case.parties.filter(side="agent").exists()


def test_an_agent_without_a_power_of_attorney_holds_up_acceptance(demo: None) -> None:
    case = registered_dispute()
    applicant = case.parties.get(side="applicant")
    client = client_for("mediator")
    client.post(
        reverse("cases:add_party", args=[case.pk]),
        {"side": "agent", "represents": applicant.pk, "relation": "律师", "name": "孙律师"},
    )
    agent = case.parties.get(side="agent")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "代理人孙律师的授权委托书尚未存档" in page
    assert reverse("cases:party_authority", args=[agent.pk]) in page
    assert _accept(case) == 400
    uploaded = client.post(
        reverse("cases:party_authority", args=[agent.pk]),
        {"file": SimpleUploadedFile("委托书.pdf", _pdf()), "description": ""},
    )
    assert uploaded.status_code == 302
    filed = Attachment.objects.get()
    assert filed.kind == "power_of_attorney" and filed.party == agent
    assert "授权委托书尚未存档" not in client.get(case.get_absolute_url()).content.decode()
    assert _accept(case) == 302


def test_a_power_of_attorney_is_filed_only_for_an_agent(demo: None) -> None:
    case = registered_dispute()
    applicant = case.parties.get(side="applicant")
    response = client_for("mediator").post(
        reverse("cases:party_authority", args=[applicant.pk]),
        {"file": SimpleUploadedFile("委托书.pdf", _pdf())},
    )
    assert response.status_code == 400
    assert "授权委托书只为代理人存档" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_general_upload_offers_no_power_of_attorney(demo: None) -> None:
    """Filed there it would count for no agent: it is uploaded from the agent's line."""
    case = registered_dispute()
    page = client_for("mediator").get(reverse("cases:upload_attachment", args=[case.pk]))
    assert 'value="power_of_attorney"' not in page.content.decode()
    assert 'value="evidence"' in page.content.decode()
