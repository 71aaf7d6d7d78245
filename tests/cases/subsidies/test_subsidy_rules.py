"""The district admin keeps the subsidy rule on a page of their own; every save is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from cases.models import SubsidyRule
from clinic.choices import AuditEvent
from clinic.models import AuditEntry
from tests.cases.subsidies.factories import demo_rates
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = reverse("cases:subsidy_rules")


def payload(month: str = "2027-01", version: int = 0, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "valid_from": month,
        "file_bonus": "20",
        "monthly_cap": "2000",
        "basis": "盘司发〔2026〕5号",
        "seen_version": version,
    }
    for grade, outcomes in demo_rates().items():
        for outcome, amount in outcomes.items():
            data[f"rate_{grade}_{outcome}"] = amount
    data.update(changes)
    return data


def test_the_admin_saves_a_rule_from_a_month_and_it_is_audited(demo: None) -> None:
    response = client_for("admin").post(URL, payload())

    assert response.status_code == 302
    saved = SubsidyRule.objects.get()
    assert saved.valid_from == date(2027, 1, 1)
    assert saved.rate("complex", "oral") == Decimal("100.00")
    assert (saved.file_bonus, saved.monthly_cap) == (Decimal("20.00"), Decimal("2000.00"))
    entry = AuditEntry.objects.get(event=AuditEvent.SUBSIDY_RULE_CHANGED)
    assert entry.detail["before"] is None
    assert entry.detail["after"]["rates"]["major"]["written"] == "400"


def test_a_change_keeps_the_values_before_in_the_audit_log(demo: None) -> None:
    admin = client_for("admin")
    admin.post(URL, payload())
    admin.post(URL, payload(version=1, rate_simple_written="60"))

    assert SubsidyRule.objects.get().rate("simple", "written") == Decimal("60.00")
    entry = AuditEntry.objects.filter(event=AuditEvent.SUBSIDY_RULE_CHANGED).order_by("-pk")[0]
    assert entry.detail["before"]["rates"]["simple"]["written"] == "50"
    assert entry.detail["after"]["rates"]["simple"]["written"] == "60"


def test_the_page_shows_the_rule_in_chinese(demo: None) -> None:
    client_for("admin").post(URL, payload())

    page = client_for("admin").get(URL, {"month": "2027-01"}).content.decode()

    assert "盘龙区以案定补标准" in page and "自2027-01起的标准" in page
    assert 'value="400"' in page  # the major written rate, as saved


def test_two_admins_saving_at_once_the_second_gets_409(demo: None) -> None:
    admin = client_for("admin")
    admin.post(URL, payload())
    admin.post(URL, payload(version=1, rate_simple_written="60"))

    late = admin.post(URL, payload(version=1, rate_simple_written="70"))

    assert late.status_code == 409
    assert SubsidyRule.objects.get().rate("simple", "written") == Decimal("60.00")
    assert 'value="70"' in late.content.decode()  # what they typed stays


def test_a_negative_rate_is_refused_and_nothing_saved(demo: None) -> None:
    response = client_for("admin").post(URL, payload(rate_simple_written="-5"))

    assert response.status_code == 400
    assert not SubsidyRule.objects.exists()


@pytest.mark.parametrize("username", ["street", "coordinator", "mediator"])
def test_nobody_else_keeps_the_rule(demo: None, username: str) -> None:
    assert client_for(username).get(URL).status_code == 403
    assert client_for(username).post(URL, payload()).status_code == 403


def test_the_admin_told_of_the_other_save_can_send_theirs_again(demo: None) -> None:
    admin = client_for("admin")
    admin.post(URL, payload())
    admin.post(URL, payload(version=1, rate_simple_written="60"))
    late = admin.post(URL, payload(version=1, rate_simple_written="70"))
    assert late.status_code == 409
    rearmed = late.context["form"].data["seen_version"]

    again = admin.post(URL, payload(version=rearmed, rate_simple_written="70"))

    assert again.status_code == 302
    assert SubsidyRule.objects.get().rate("simple", "written") == Decimal("70.00")


def test_a_rule_created_meanwhile_for_the_same_month_is_not_overwritten(demo: None) -> None:
    admin = client_for("admin")
    admin.post(URL, payload())  # saved by another admin while this one's page showed none

    late = admin.post(URL, payload(version=0, rate_simple_written="70"))

    assert late.status_code == 409
    assert SubsidyRule.objects.get().rate("simple", "written") == Decimal("50.00")
