"""Row versions (``clinic.lib.versions``): of two people editing one record, the first to
save wins; the second loses cleanly, is told field by field what the first changed (personal
data masked unless they may reveal it), keeps what they typed, and may send it again knowingly.
A masked value sent back unchanged keeps the stored one."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import transaction

from cases.models import Party
from clinic.lib.masking import mask_phone
from clinic.lib.versions import RowVersionForm, Stale, bump, claim_row, mask_room, snapshot
from tests.cases.factories import registered_dispute
from tests.conftest import person


class PhoneForm(RowVersionForm):
    """A form of two fields of a party, its phone shown masked."""

    masked = ("phone",)

    phone = forms.CharField(label="电话", required=False)
    address = forms.CharField(label="住址", required=False)


@pytest.fixture
def party(demo: None) -> Party:
    return registered_dispute().parties.get(side="applicant")


def _shown(party: Party, **kwargs: Any) -> dict[str, Any]:
    """What the page showed of ``party``: the hidden fields and the visible ones as shown."""
    form = PhoneForm(record=party, **kwargs)
    return {name: form[name].value() for name in form.fields}


def _sent(party: Party, shown: dict[str, Any], **typed: Any) -> PhoneForm:
    form = PhoneForm({**shown, **typed}, record=Party.objects.get(pk=party.pk))
    assert form.is_valid(), form.errors
    return form


def _save(form: PhoneForm, **values: Any) -> None:
    """The action: claim, then save what was typed."""
    with transaction.atomic():
        assert form.record is not None
        record = Party.objects.select_for_update().get(pk=form.record.pk)
        form.claim(record)
        for name, value in values.items():
            setattr(record, name, value)
        record.save()


def test_the_first_to_save_wins_and_the_second_is_told_what_changed(party: Party) -> None:
    old_phone = party.phone
    first, second = _shown(party), _shown(party)
    assert first["phone"] == mask_phone(old_phone)  # shown masked
    _save(
        _sent(party, first, address="金江路社区 1 栋"),
        address="金江路社区 1 栋",
        phone="13700001111",
    )
    loser = _sent(party, second, address="金江路社区 9 栋")
    with pytest.raises(Stale) as lost:
        _save(loser, address="金江路社区 9 栋")
    changes = {c.field: c for c in lost.value.changes}
    assert set(changes) == {"phone", "address"}
    assert changes["phone"].label == "电话" and changes["phone"].value == "137****1111"
    assert changes["address"].value.startswith("金江路社区")
    assert loser.conflict == lost.value.changes
    stored = Party.objects.get(pk=party.pk)
    assert (stored.address, stored.phone) == ("金江路社区 1 栋", "13700001111")
    assert loser.data["address"] == "金江路社区 9 栋"  # what they typed is kept


def test_personal_data_is_listed_in_full_only_for_one_who_may_reveal_it(party: Party) -> None:
    seen = snapshot(party, ["phone"])
    Party.objects.filter(pk=party.pk).update(row_version=party.row_version + 1)
    Party.objects.filter(pk=party.pk).update(phone="13700001111")
    for reveal, shown in ((False, "137****1111"), (True, "13700001111")):
        with pytest.raises(Stale) as lost:
            claim_row(Party.objects.get(pk=party.pk), party.row_version, seen=seen, reveal=reveal)
        assert [c.value for c in lost.value.changes] == [shown]


def test_a_masked_value_sent_back_unchanged_keeps_the_stored_one(party: Party) -> None:
    stored = party.phone
    form = _sent(party, _shown(party))
    assert form.cleaned_data["phone"] == stored
    assert form.data["phone"] == mask_phone(stored)  # shown again as sent: masked
    typed = _sent(party, _shown(party), phone="13900002222")
    assert typed.cleaned_data["phone"] == "13900002222"


def test_revealed_the_full_value_is_shown_and_taken_as_sent(party: Party) -> None:
    initial = {"phone": party.phone}
    assert _shown(party, reveal=True, initial=initial)["phone"] == party.phone
    masked = _shown(party, initial=initial)["phone"]
    assert masked == mask_phone(party.phone)
    form = PhoneForm(_shown(party, reveal=True, initial=initial), record=party, reveal=True)
    assert form.is_valid() and form.cleaned_data["phone"] == party.phone


def test_the_lost_form_is_rearmed_and_sent_again_overwrites_knowingly(party: Party) -> None:
    first, second = _shown(party), _shown(party)
    _save(_sent(party, first), phone="13700001111")
    loser = _sent(party, second, address="金江路社区 9 栋")
    with pytest.raises(Stale):
        _save(loser, address="金江路社区 9 栋")
    # the mask shown before now stands for the phone the first person saved
    assert loser.data["phone"] == "137****1111"
    again = _sent(party, dict(loser.data.items()))
    _save(again, **{k: again.cleaned_data[k] for k in ("phone", "address")})
    stored = Party.objects.get(pk=party.pk)
    assert (stored.address, stored.phone) == ("金江路社区 9 栋", "13700001111")


def test_a_form_without_its_version_is_refused_and_a_forged_snapshot_lists_nothing(
    party: Party,
) -> None:
    form = PhoneForm({"phone": "", "address": ""}, record=party)
    assert not form.is_valid()
    # said above the form, where the person sees it (not at the hidden field)
    assert "seen_version" not in form.errors
    assert [str(e) for e in form.non_field_errors()] == [
        str(form.fields["seen_version"].error_messages["required"])
    ]
    Party.objects.filter(pk=party.pk).update(row_version=party.row_version + 1, address="别处")
    with pytest.raises(Stale) as lost:
        claim_row(Party.objects.get(pk=party.pk), party.row_version, seen="forged:value")
    assert lost.value.changes == []


def test_a_removed_record_is_said_to_be_removed(party: Party) -> None:
    gone = Party(pk=party.pk + 1000, row_version=1)
    with pytest.raises(Stale) as lost:
        claim_row(gone, 1)
    assert lost.value.message and not lost.value.changes


def test_a_room_is_masked_whole() -> None:
    assert mask_room("1 单元 302") == "********"
    assert mask_room("") == ""


def test_a_full_save_of_an_earlier_copy_does_not_put_the_version_back(demo: None) -> None:
    """A password change saves the whole person: a profile edit claimed meanwhile still
    makes the other open form stale."""
    loaded = person("mediator")
    stored = person("mediator")
    bump(stored)
    loaded.first_name = "丽萍"
    loaded.save()
    loaded.refresh_from_db()
    assert loaded.row_version == stored.row_version
    assert loaded.first_name == "丽萍"


def test_a_party_saved_from_an_earlier_copy_keeps_the_version_it_has_now(demo: None) -> None:
    case = registered_dispute()
    loaded = case.parties.get(side="applicant")
    bump(case.parties.get(side="applicant"))
    loaded.room = "3-201"
    loaded.save()
    stored = case.parties.get(side="applicant")
    assert stored.row_version == 2 and stored.room == "3-201"
