"""A dispute's subtype, chosen on the register form and the case edit form: offered grouped
under the 15 types, and refused under another type than its own."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Case, DisputeSubtype
from tests.cases.factories import registered_dispute
from tests.cases.intake.payloads import register_form
from tests.conftest import client_for


def test_the_register_form_offers_the_subtypes_grouped_by_type(demo: None) -> None:
    page = client_for("mediator").get(reverse("cases:register_dispute")).content.decode()
    inheritance = DisputeSubtype.objects.get(code="inheritance")
    family = page.index('<optgroup label="婚姻家庭">')
    assert family < page.index(f'<option value="{inheritance.pk}">继承</option>')
    assert page.index("</optgroup>", family) > page.index(">继承<")


def test_a_dispute_is_registered_with_its_subtype(demo: None) -> None:
    wages = DisputeSubtype.objects.get(code="migrant-wages")
    response = client_for("mediator").post(
        reverse("cases:register_dispute"),
        register_form(dispute_type="labour", dispute_subtype=wages.pk),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.dispute_subtype == wages and case.dispute_type == "labour"
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "劳动争议 · 拖欠农民工工资" in page


def test_a_subtype_of_another_type_is_refused_and_nothing_is_saved(demo: None) -> None:
    wages = DisputeSubtype.objects.get(code="migrant-wages")
    response = client_for("mediator").post(
        reverse("cases:register_dispute"),
        register_form(dispute_type="neighbour", dispute_subtype=wages.pk),
    )
    assert response.status_code == 400
    assert "“拖欠农民工工资”属于劳动争议，不属于邻里" in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_edit_form_refuses_a_subtype_of_another_type(demo: None) -> None:
    case = registered_dispute(dispute_type="neighbour")
    light = DisputeSubtype.objects.get(code="passage-light")
    wages = DisputeSubtype.objects.get(code="migrant-wages")
    client = client_for("mediator")
    url = reverse("cases:edit_case", args=[case.pk])
    form = {
        "version": case.version,
        "source": case.source,
        "dispute_type": "neighbour",
        "summary": case.summary,
        "persons_involved": 2,
    }
    refused = client.post(url, form | {"dispute_subtype": wages.pk})
    assert refused.status_code == 400
    assert Case.objects.get(pk=case.pk).dispute_subtype is None
    saved = client.post(url, form | {"dispute_subtype": light.pk})
    assert saved.status_code == 302
    assert Case.objects.get(pk=case.pk).dispute_subtype == light
