"""A party edited by two people at once, and the party's personal data in its edit form.

The second to save gets 409, keeps what they typed and sees what the first changed (the phone
masked); nothing is lost. The ID number, phone and room are shown masked unless revealed by one
who may see personal data (audited); a street officer's form never holds them in full; a
masked value sent back unchanged keeps the stored one."""

from __future__ import annotations

from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from cases.mediation.actions import do_escalate_case
from cases.models import Party
from clinic.choices import AuditEvent
from clinic.lib.masking import mask_id_number, mask_phone
from clinic.models import AuditEntry
from tests.cases.factories import registered_dispute, user
from tests.cases.intake.payloads import register_form
from tests.clinic.lib.shown import hidden_fields
from tests.conftest import client_for


def _party() -> Party:
    return registered_dispute().parties.get(side="applicant")


def _form(page: str) -> dict[str, str]:
    """The edit form as the page shows it: hidden fields and the personal ones as shown."""
    data = hidden_fields(page, "seen_version", "seen_values")
    for name in ("id_number", "phone", "room"):
        data[name] = page.split(f'name="{name}"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return data


def _fields(party: Party, shown: dict[str, str], **typed: str) -> dict[str, str]:
    return {
        "side": party.side,
        "name": party.name,
        "gender": party.gender,
        "id_type": party.id_type,
        "address": party.address,
        **shown,
        **typed,
    }


def _reveals(party: Party) -> int:
    return AuditEntry.objects.filter(
        event=AuditEvent.REVEAL, object_type="party", object_id=str(party.pk)
    ).count()


def test_two_people_edit_a_party_the_second_sees_the_first_ones_change(demo: None) -> None:
    party = _party()
    url = reverse("cases:edit_party", args=[party.pk])
    mediator, coordinator = client_for("mediator"), client_for("coordinator")
    first = _form(mediator.get(url).content.decode())
    second = _form(coordinator.get(url).content.decode())
    assert mediator.post(url, _fields(party, first, phone="13700001111")).status_code == 302
    lost = coordinator.post(url, _fields(party, second, address="金江路社区 9 栋"))
    assert lost.status_code == 409
    page = lost.content.decode()
    conflict = page.split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "137****1111" in conflict and "13700001111" not in page
    assert 'value="金江路社区 9 栋"' in page  # kept as typed
    stored = Party.objects.get(pk=party.pk)
    assert stored.phone == "13700001111" and stored.address == party.address
    # sent again after reading the changes: the address is changed, the new phone kept
    again = _fields(party, _form(page), address="金江路社区 9 栋")
    assert coordinator.post(url, again).status_code == 302
    stored = Party.objects.get(pk=party.pk)
    assert (stored.phone, stored.address) == ("13700001111", "金江路社区 9 栋")


def test_the_edit_form_shows_personal_data_masked_and_keeps_it_sent_back_unchanged(
    demo: None,
) -> None:
    party = _party()
    url = reverse("cases:edit_party", args=[party.pk])
    client = client_for("mediator")
    page = client.get(url).content.decode()
    assert party.id_number not in page and party.phone not in page and party.room not in page
    assert mask_id_number(party.id_number) in page and mask_phone(party.phone) in page
    assert "?reveal=1" in page
    assert _reveals(party) == 0  # opening the form reveals nothing
    response = client.post(url, _fields(party, _form(page), name="赵建国（更正）"))
    assert response.status_code == 302
    stored = Party.objects.get(pk=party.pk)
    assert stored.name == "赵建国（更正）"
    assert (stored.id_number, stored.phone, stored.room) == (
        party.id_number,
        party.phone,
        party.room,
    )
    hidden = getattr(response.wsgi_request, "sensitive_post_parameters", ())
    assert set(hidden) >= {"id_number", "phone", "name"}
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert shown["id_number"] != party.id_number and shown["phone"] != party.phone


def test_revealing_the_edit_form_is_for_those_who_may_and_recorded(demo: None) -> None:
    party = _party()
    url = reverse("cases:edit_party", args=[party.pk])
    page = client_for("mediator").get(f"{url}?reveal=1").content.decode()
    assert party.id_number in page and party.phone in page
    assert _reveals(party) == 1


def test_a_street_officers_edit_form_never_holds_the_full_id_or_phone(demo: None) -> None:
    """The street officer works the escalated case but may not see personal data (named
    regression: their edit form pre-filled the full ID number, and opening it was audited as a
    reveal)."""
    party = _party()
    case = party.case
    do_escalate_case(case, actor=user("mediator"), version=None, reason="涉及多个社区")
    url = reverse("cases:edit_party", args=[party.pk])
    street = client_for("street")
    page = street.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert party.id_number not in html and party.phone not in html
    assert "?reveal=1" not in html
    assert street.get(f"{url}?reveal=1").status_code == 403
    assert _reveals(party) == 0


def test_the_pages_that_take_residents_personal_data_keep_it_out_of_error_reports(
    demo: None,
) -> None:
    """``sensitive_post_parameters``: an error report (and a log that prints the request)
    shows stars for the parties' names, ID numbers, phones and addresses."""
    response = client_for("mediator").post(reverse("cases:register_dispute"), register_form())
    assert response.status_code == 302
    hidden = set(getattr(response.wsgi_request, "sensitive_post_parameters", ()))
    for side in ("applicant", "respondent"):
        assert {f"{side}-{name}" for name in ("name", "id_number", "phone", "room")} <= hidden
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert shown["applicant-id_number"] == shown["applicant-phone"] == "********************"
    advice = client_for("mediator").post(reverse("cases:log_advice"), {"phone": "13812345678"})
    assert set(getattr(advice.wsgi_request, "sensitive_post_parameters", ())) >= {"phone"}
