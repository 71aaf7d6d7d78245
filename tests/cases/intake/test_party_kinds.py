"""Parties as units: a legal person or an unincorporated organisation, with its credit code and
the person who answers for it, written down through the same form as a person."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from cases.choices import PartyKind
from cases.intake.forms import PartyForm
from cases.models import Case, Party
from clinic.lib.masking import mask_phone
from tests.cases.factories import party, registered_dispute, resident_id
from tests.cases.intake.payloads import register_form
from tests.clinic.lib.shown import hidden_fields
from tests.conftest import client_for

COMPANY = "昆明市盘龙区金辰街道某某物业服务有限公司"
CODE = "91530103MA6K3Q8T2E"  # the check character E is right


def company(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "respondent-kind": "legal",
        "respondent-name": COMPANY,
        "respondent-credit_code": CODE,
        "respondent-responsible_person": "李经理",
        "respondent-responsible_position": "执行董事",
        "respondent-responsible_phone": "13577001122",
        "respondent-address": "金辰街道金康园小区物业服务中心",
    }
    data.update(overrides)
    return data


def unit_form(**data: object) -> PartyForm:
    sent: dict[str, object] = {
        "side": "respondent",
        "kind": "legal",
        "name": COMPANY,
        "credit_code": CODE,
        "responsible_person": "李经理",
    }
    sent.update(data)
    return PartyForm(sent)


def test_a_company_is_registered_as_the_respondent(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(**company())
    )
    assert response.status_code == 302
    unit = Party.objects.get(side="respondent")
    assert unit.kind == PartyKind.LEGAL and unit.name == COMPANY
    assert unit.credit_code == CODE and unit.responsible_person == "李经理"
    assert unit.responsible_position == "执行董事"
    assert unit.id_number == "" and unit.gender == ""
    assert unit.responsible_phone == "13577001122"


def test_the_responsible_persons_phone_is_not_stored_readable(demo: None) -> None:
    client_for("mediator").post(reverse("cases:register_dispute"), register_form(**company()))
    unit = Party.objects.get(side="respondent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT responsible_phone FROM cases_party WHERE id = %s", [unit.pk])
        (stored,) = cursor.fetchone()

    assert stored and "13577001122" not in str(stored)  # as held: not the number
    assert unit.responsible_phone == "13577001122"  # as read through the model


def test_a_credit_code_with_a_wrong_check_character_is_refused(demo: None) -> None:
    wrong = CODE[:-1] + "F"
    response = client_for("mediator").post(
        reverse("cases:register_dispute"),
        register_form(**company(**{"respondent-credit_code": wrong})),
    )
    assert response.status_code == 400
    assert "这不是有效的统一社会信用代码" in response.content.decode()
    assert not Case.objects.exists()


def test_a_credit_code_is_read_in_lower_case_and_with_spaces() -> None:
    form = unit_form(credit_code=CODE.lower()[:9] + " " + CODE.lower()[9:])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == CODE


def test_a_unit_names_who_answers_for_it() -> None:
    form = unit_form(responsible_person="")
    assert not form.is_valid()
    assert "responsible_person" in form.errors


def test_a_unit_has_no_id_number() -> None:
    form = unit_form(id_type="resident_id", id_number=resident_id())
    assert not form.is_valid()
    assert list(form.errors) == ["id_number"]


def test_a_units_personal_boxes_left_ticked_are_dropped() -> None:
    form = unit_form(gender="male", elderly_alone="on", minor="on")
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["gender"] == "" and not data["elderly_alone"] and not data["minor"]


def test_a_person_has_no_credit_code_and_no_responsible_person() -> None:
    refused = PartyForm(
        {"side": "applicant", "kind": "natural", "name": "周大妈", "credit_code": CODE}
    )
    assert not refused.is_valid() and list(refused.errors) == ["credit_code"]
    kept = PartyForm({"side": "applicant", "name": "周大妈", "responsible_person": "李经理"})
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["kind"] == "natural" and kept.cleaned_data["responsible_person"] == ""


def test_the_form_shows_both_kinds_fields_marked_for_the_switch() -> None:
    page = PartyForm(prefix="respondent").as_div()
    assert "data-party-kind-switch" in page
    assert 'name="respondent-credit_code"' in page and 'data-party-kind="unit"' in page
    assert 'name="respondent-id_number"' in page and 'data-party-kind="natural"' in page


def test_the_case_page_shows_the_type_and_masks_the_responsible_persons_phone(
    demo: None,
) -> None:
    case = registered_dispute(
        parties=[
            party(side="applicant", name="周大妈"),
            party(
                side="respondent",
                name=COMPANY,
                kind="legal",
                credit_code=CODE,
                responsible_person="李经理",
                responsible_position="执行董事",
                responsible_phone="13577001122",
                id_type="",
                id_number="",
            ),
        ]
    )
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert COMPANY in page and "法人" in page and CODE in page
    assert "李经理 · 执行董事" in page
    assert "13577001122" not in page and "135****1122" in page


def test_a_unit_with_an_open_case_is_flagged_by_its_credit_code(demo: None) -> None:
    registered_dispute(
        parties=[
            party(side="applicant", name="周大妈"),
            party(
                side="respondent",
                name="某某物业",
                kind="legal",
                credit_code=CODE,
                responsible_person="李经理",
                id_type="",
                id_number="",
                phone="",
            ),
        ],
        community="金江路社区",
    )
    response = client_for("mediator").post(
        reverse("cases:register_dispute"),
        register_form(**company(**{"respondent-name": "另一个名字有限公司"})),
    )
    assert response.status_code == 400
    assert "统一社会信用代码相同" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_unit_is_found_by_its_credit_code(demo: None) -> None:
    case = registered_dispute(
        parties=[
            party(side="applicant", name="周大妈"),
            party(
                side="respondent",
                name=COMPANY,
                kind="legal",
                credit_code=CODE,
                responsible_person="李经理",
                id_type="",
                id_number="",
            ),
        ]
    )
    response = client_for("mediator").get(reverse("cases:find_resident"), {"q": CODE.lower()})
    assert response.status_code == 200
    page = response.content.decode()
    assert case.get_absolute_url() in page and COMPANY in page


def test_a_units_edit_form_masks_the_responsible_persons_phone_and_keeps_it(
    demo: None,
) -> None:
    case = registered_dispute(
        parties=[
            party(side="applicant", name="周大妈"),
            party(
                side="respondent",
                name=COMPANY,
                kind="legal",
                credit_code=CODE,
                responsible_person="李经理",
                responsible_phone="13577001122",
                id_type="",
                id_number="",
                room="",
            ),
        ]
    )
    unit = case.parties.get(side="respondent")
    url = reverse("cases:edit_party", args=[unit.pk])
    client = client_for("mediator")
    page = client.get(url).content.decode()
    assert "13577001122" not in page and "135****1122" in page
    sent = hidden_fields(page, "seen_version", "seen_values") | {
        "side": "respondent",
        "kind": "legal",
        "name": COMPANY,
        "credit_code": CODE,
        "responsible_person": "李建华",
        "responsible_phone": "135****1122",
        "phone": mask_phone(unit.phone),
        "address": unit.address,
    }
    assert client.post(url, sent).status_code == 302
    stored = Party.objects.get(pk=unit.pk)
    assert stored.responsible_person == "李建华" and stored.responsible_phone == "13577001122"
    changed = case.events.filter(kind="party").latest("pk").payload["changes"]
    assert {"field": "responsible_person", "from": "李经理", "to": "李建华"} in changed
