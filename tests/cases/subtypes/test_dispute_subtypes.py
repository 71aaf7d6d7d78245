"""The district admin's list of dispute subtypes: the starter list, adding, editing (409 when
someone saved first), no longer offering one; audited; nobody else may."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from cases.choices import DisputeType
from cases.models import DisputeSubtype
from clinic.choices import AuditEvent
from clinic.models import AuditEntry
from tests.cases.factories import registered_dispute
from tests.conftest import client_for


def test_the_starter_list_puts_each_subtype_under_one_official_type(db: None) -> None:
    subtypes = list(DisputeSubtype.objects.all())
    assert 20 <= len(subtypes) <= 30
    assert {s.dispute_type for s in subtypes} <= set(DisputeType.values)
    named = {s.name: s.dispute_type for s in subtypes}
    assert named["继承"] == named["赡养"] == named["抚养"] == DisputeType.MARRIAGE_FAMILY
    assert named["拖欠农民工工资"] == DisputeType.LABOUR
    assert named["物业服务"] == DisputeType.PROPERTY_MANAGEMENT
    assert named["宅基地"] == DisputeType.HOUSING_LAND
    assert named["道路交通"] == DisputeType.TRAFFIC


def test_the_district_admin_sees_the_list_under_the_15_types(
    demo: None, django_assert_max_num_queries: Any
) -> None:
    client = client_for("admin")
    client.get(reverse("cases:dispute_subtypes"))  # the session and the roles, cached
    # session, user, memberships, the subtypes with their case counts, the page's own
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:dispute_subtypes"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("<h2>婚姻家庭</h2>") < page.index("继承") < page.index("<h2>劳动争议</h2>")
    assert page.index("<h2>劳动争议</h2>") < page.index("拖欠农民工工资")


@pytest.mark.parametrize("role", ["coordinator", "mediator", "street", "gridworker", "judge"])
def test_nobody_else_keeps_the_list(demo: None, role: str) -> None:
    subtype = DisputeSubtype.objects.first()
    assert subtype is not None
    client = client_for(role)
    assert client.get(reverse("cases:dispute_subtypes")).status_code == 403
    assert client.get(reverse("cases:edit_dispute_subtype", args=[subtype.pk])).status_code == 403
    response = client.post(reverse("cases:deactivate_dispute_subtype", args=[subtype.pk]))
    assert response.status_code == 403
    assert DisputeSubtype.objects.get(pk=subtype.pk).active


def test_the_district_admin_adds_a_subtype_and_it_is_audited(demo: None) -> None:
    response = client_for("admin").post(
        reverse("cases:dispute_subtypes"),
        {
            "name": "家庭暴力",
            "code": "domestic-violence",
            "dispute_type": "marriage_family",
            "active": "on",
        },
    )
    assert response.status_code == 302
    added = DisputeSubtype.objects.get(code="domestic-violence")
    assert added.active and added.dispute_type == "marriage_family"
    entry = AuditEntry.objects.get(event=AuditEvent.REFERENCE_CHANGED, object_id=str(added.pk))
    assert entry.detail["change"] == "subtype_added"


def test_a_name_already_on_the_list_is_refused(demo: None) -> None:
    response = client_for("admin").post(
        reverse("cases:dispute_subtypes"),
        {"name": "继承", "code": "inheritance-2", "dispute_type": "marriage_family"},
    )
    assert response.status_code == 400
    assert DisputeSubtype.objects.filter(name="继承").count() == 1


def _edit(subtype: DisputeSubtype, **changes: Any) -> dict[str, Any]:
    page = client_for("admin").get(reverse("cases:edit_dispute_subtype", args=[subtype.pk]))
    found = re.search(r'name="seen_values" value="([^"]*)"', page.content.decode())
    data = {
        "seen_version": subtype.row_version,
        "seen_values": found.group(1).replace("&quot;", '"') if found else "",
        "name": subtype.name,
        "code": subtype.code,
        "dispute_type": subtype.dispute_type,
        "order": subtype.order,
        "active": "on",
    }
    return data | changes


def test_an_edit_is_saved_and_audited(demo: None) -> None:
    subtype = DisputeSubtype.objects.get(code="property-service")
    response = client_for("admin").post(
        reverse("cases:edit_dispute_subtype", args=[subtype.pk]), _edit(subtype, name="物业服务费")
    )
    assert response.status_code == 302
    assert DisputeSubtype.objects.get(pk=subtype.pk).name == "物业服务费"
    entry = AuditEntry.objects.filter(event=AuditEvent.REFERENCE_CHANGED).latest("pk")
    assert entry.detail["fields"] == {"name": ["物业服务", "物业服务费"]}


def test_of_two_edits_at_once_the_second_gets_409(demo: None) -> None:
    subtype = DisputeSubtype.objects.get(code="property-service")
    first, second = _edit(subtype, name="物业服务费"), _edit(subtype, name="物业管理服务")
    url = reverse("cases:edit_dispute_subtype", args=[subtype.pk])
    assert client_for("admin").post(url, first).status_code == 302
    assert client_for("admin").post(url, second).status_code == 409
    assert DisputeSubtype.objects.get(pk=subtype.pk).name == "物业服务费"


def test_the_type_of_a_subtype_cases_carry_does_not_change(demo: None) -> None:
    subtype = DisputeSubtype.objects.get(code="inheritance")
    registered_dispute(dispute_type="marriage_family", dispute_subtype=subtype)
    response = client_for("admin").post(
        reverse("cases:edit_dispute_subtype", args=[subtype.pk]),
        _edit(subtype, dispute_type="contract"),
    )
    assert response.status_code == 400
    assert "已有案件" in response.content.decode()
    assert DisputeSubtype.objects.get(pk=subtype.pk).dispute_type == "marriage_family"


def test_a_subtype_no_longer_offered_leaves_the_forms_but_stays_on_its_cases(
    demo: None,
) -> None:
    subtype = DisputeSubtype.objects.get(code="inheritance")
    case = registered_dispute(dispute_type="marriage_family", dispute_subtype=subtype)
    client = client_for("admin")
    response = client.post(reverse("cases:deactivate_dispute_subtype", args=[subtype.pk]))
    assert response.status_code == 302
    assert not DisputeSubtype.objects.get(pk=subtype.pk).active
    new_form = client_for("mediator").get(reverse("cases:register_dispute")).content.decode()
    assert f'<option value="{subtype.pk}">继承</option>' not in new_form
    edit_form = client_for("mediator").get(reverse("cases:edit_case", args=[case.pk]))
    assert f'<option value="{subtype.pk}" selected>继承</option>' in edit_form.content.decode()
