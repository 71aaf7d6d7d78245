import pytest
from django.urls import reverse

from clinic.audit import record
from clinic.models import AuditEntry
from tests.conftest import client_for


def test_audit_entries_cannot_be_changed_or_deleted(db: None) -> None:
    entry = record("export", username="someone")
    entry.object_id = "tampered"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_id == ""


def test_a_district_admin_reads_the_audit_log_in_the_admin_but_cannot_change_it(demo: None) -> None:
    entry = record("export", username="someone")
    client = client_for("admin")
    assert client.get(reverse("admin:clinic_auditentry_changelist")).status_code == 200
    page = client.get(reverse("admin:clinic_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    delete = client.post(reverse("admin:clinic_auditentry_delete", args=[entry.pk]))
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_other_roles_have_no_admin(demo: None) -> None:
    response = client_for("coordinator").get(reverse("admin:clinic_auditentry_changelist"))
    assert response.status_code == 302  # to the admin sign-in: not staff
