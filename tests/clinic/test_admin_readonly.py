"""The Django admin keeps reference data and shows the rest read-only, masked: neither the
district admin nor the emergency superuser changes or deletes case data there, simple-history's
revert is off, and no full ID number or phone is on any admin page."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cases.models import Agreement, Case, Party
from clinic.lib.masking import mask_id_number
from clinic.models import AuditEntry, Community, User
from tests.cases.factories import in_state, registered_dispute, signed_agreement
from tests.conftest import client_for, person


def emergency_client() -> Client:
    call_command("emergency_superuser", "rescue", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="rescue"))
    return client


def test_the_district_admin_is_no_superuser_and_keeps_the_regions_in_the_admin(
    demo: None,
) -> None:
    admin = person("admin")
    assert not admin.is_superuser and admin.is_staff
    community = Community.objects.get(name="金江路社区")
    client = client_for("admin")
    url = reverse("admin:clinic_community_change", args=[community.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["households"] = 4321
    response = client.post(url, data)
    assert response.status_code == 302
    assert Community.objects.get(pk=community.pk).households == 4321
    entry = AuditEntry.objects.get(event="reference_changed")
    assert entry.username == "admin" and entry.object_id == str(community.pk)
    # … but deletes no region: cases and roles point at them
    delete = reverse("admin:clinic_community_delete", args=[community.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Community.objects.filter(pk=community.pk).exists()


def test_nobody_changes_or_deletes_a_signed_case_or_its_parties_in_the_admin(demo: None) -> None:
    case = in_state("closed")
    agreement = Agreement.objects.get(case=case)
    applicant = case.parties.get(side="applicant")
    for client in (client_for("admin"), emergency_client()):
        for url in (
            reverse("admin:cases_party_delete", args=[applicant.pk]),
            reverse("admin:cases_party_change", args=[applicant.pk]),
            reverse("admin:cases_case_delete", args=[case.pk]),
            reverse("admin:cases_case_change", args=[case.pk]),
            reverse("admin:cases_agreement_delete", args=[agreement.pk]),
            reverse("admin:cases_agreement_change", args=[agreement.pk]),
        ):
            response = client.post(url, {"post": "yes", "name": "改过的名字", "terms": "改过"})
            assert response.status_code == 403, url
        bulk = client.post(
            reverse("admin:cases_party_changelist"),
            {"action": "delete_selected", "_selected_action": [applicant.pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302, 403)
        assert Party.objects.filter(pk=applicant.pk).exists()
    assert Party.objects.get(pk=applicant.pk).name == applicant.name
    assert Agreement.objects.get(pk=agreement.pk).terms == agreement.terms
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_simple_history_reverts_nothing(demo: None) -> None:
    case = registered_dispute()
    agreement = signed_agreement(case)
    first = agreement.history.earliest()
    Agreement.objects.filter(pk=agreement.pk).update(terms="后来改定的条款")
    client = emergency_client()
    url = reverse("admin:cases_agreement_simple_history", args=[agreement.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"_save": "Revert"}).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).terms == "后来改定的条款"


def test_admin_pages_show_id_numbers_and_phones_masked(demo: None) -> None:
    case = registered_dispute()
    applicant = case.parties.get(side="applicant")
    full_id, phone = applicant.id_number, applicant.phone
    client = emergency_client()
    pages = [
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_party_change", args=[applicant.pk]),
        reverse("admin:cases_party_changelist") + f"?q={applicant.name}",
        reverse("admin:cases_party_history", args=[applicant.pk]),
        reverse(
            "admin:cases_party_simple_history",
            args=[applicant.pk, applicant.history.earliest().history_id],
        ),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert full_id not in text and phone not in text, url
    shown = client.get(pages[1]).content.decode()
    assert mask_id_number(full_id) in shown
    coordinator = person("coordinator")
    assert coordinator.phone
    user_page = client_for("admin").get(reverse("admin:clinic_user_change", args=[coordinator.pk]))
    assert user_page.status_code == 200 and coordinator.phone not in user_page.content.decode()
