from __future__ import annotations

from django.db import connection

from cases.intake.actions import do_update_party
from cases.models import Party
from tests.cases.factories import registered_dispute, user


def _raw(sql: str, params: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_id_numbers_and_phones_are_encrypted_at_rest_with_a_lookup_hash(demo: None) -> None:
    case = registered_dispute()
    party = case.parties.get(side="applicant")
    [(stored_id, stored_phone, id_hash)] = _raw(
        "SELECT id_number, phone, id_number_hash FROM cases_party WHERE id = %s", [party.pk]
    )
    assert party.id_number not in stored_id and party.phone not in stored_phone
    assert stored_id.startswith("gAAAA")  # a Fernet token
    assert Party.objects.get(pk=party.pk).id_number == party.id_number
    assert id_hash and Party.objects.filter(id_number_hash=id_hash).get() == party


def test_the_history_tables_hold_them_encrypted_too(demo: None) -> None:
    case = registered_dispute()
    party = case.parties.get(side="applicant")
    do_update_party(party, actor=user("mediator"), changes={"phone": "13512345678"})
    rows = _raw("SELECT id_number, phone FROM cases_historicalparty WHERE id = %s", [party.pk])
    assert len(rows) == 2
    for stored_id, stored_phone in rows:
        assert party.id_number not in stored_id
        assert "13512345678" not in stored_phone and stored_phone.startswith("gAAAA")
