"""The monthly statements: the approver's page of every mediator, the mediator's own, the PDF
and the workbook, and approval, which freezes a statement against later changes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.choices import Outcome
from cases.models import Case, FileVerdict, SubsidyStatement
from cases.subsidies.statement import statement
from clinic.choices import AuditEvent
from clinic.models import AuditEntry, Street
from tests.cases.factories import user
from tests.cases.subsidies.factories import concluded, review, rule
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def lianmeng() -> Street:
    return Street.objects.get(name="联盟街道")


def args(mediator: str = "mediator") -> list[object]:
    return [lianmeng().pk, user(mediator).pk, f"{this_month():%Y-%m}"]


def month_with_cases() -> list[Case]:
    """Two passed files (一般 written 120, 复杂 oral 120) and one awaiting review."""
    rule(month=this_month())
    cases = [
        concluded(Outcome.SETTLED_WRITTEN, grade="ordinary"),
        concluded(Outcome.SETTLED_ORAL, grade="complex"),
        concluded(Outcome.SETTLED_WRITTEN, grade="major"),
    ]
    review(cases[0])
    review(cases[1])
    return cases


def approve(username: str = "street") -> Any:
    found = statement(lianmeng(), user("mediator"), this_month())
    return client_for(username).post(
        reverse("cases:approve_subsidy_statement", args=args()), {"seen": found.digest()}
    )


def test_the_street_officer_sees_every_mediator_of_the_month(demo: None) -> None:
    month_with_cases()
    client = client_for("street")
    client.get(reverse("cases:subsidy_statements"), {"month": f"{this_month():%Y-%m}"})

    page = client.get(
        reverse("cases:subsidy_statements"), {"month": f"{this_month():%Y-%m}"}
    ).content.decode()

    assert str(user("mediator")) in page
    assert "240.00" in page


def test_the_mediator_sees_their_own_statement_only(demo: None) -> None:
    cases = month_with_cases()
    client = client_for("mediator")

    page = client.get(reverse("cases:subsidy_statement", args=args())).content.decode()

    assert cases[2].number in page
    assert "240.00" in page
    assert (
        client.get(reverse("cases:subsidy_statement", args=args("mediator_jinse"))).status_code
        == 404
    )
    assert (
        client.post(
            reverse("cases:approve_subsidy_statement", args=args()), {"seen": "x"}
        ).status_code
        == 403
    )


def test_the_pdf_is_in_chinese_with_the_total(demo: None) -> None:
    month_with_cases()

    response = client_for("street").get(reverse("cases:subsidy_statement_pdf", args=args()))

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "以案定补" in text
    assert "240.00" in text
    assert "待评查" in text
    assert AuditEntry.objects.filter(
        event=AuditEvent.EXPORT, object_type="subsidystatement"
    ).exists()


def test_the_workbook_holds_the_amounts_as_numbers(demo: None) -> None:
    cases = month_with_cases()

    response = client_for("admin").get(reverse("cases:subsidy_statement_xlsx", args=args()))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    assert rows[cases[0].number][10] == Decimal("120.00") or rows[cases[0].number][10] == 120
    assert rows[cases[2].number][10] == 0
    amounts = [
        row[10] for row in sheet.iter_rows(min_row=5, values_only=True) if row[10] is not None
    ]
    assert amounts[-1] == 240  # the total, after the subtotal and the cap


def test_a_statement_with_cases_awaiting_a_grade_or_review_is_not_approved(
    demo: None,
) -> None:
    cases = month_with_cases()  # the third file awaits review
    ungraded = concluded(Outcome.SETTLED_ORAL)
    review(ungraded)

    page = client_for("street").get(reverse("cases:subsidy_statement", args=args())).content
    response = approve()

    assert 'disabled aria-describedby="approve-waiting"' in page.decode()
    assert response.status_code == 400
    text = response.content.decode()
    assert cases[2].number in text
    assert ungraded.number in text
    assert "尚不能审批" in text
    assert not SubsidyStatement.objects.exists()


def test_a_failed_file_is_a_verdict_and_may_be_approved(demo: None) -> None:
    cases = month_with_cases()
    review(cases[2], FileVerdict.FAILED)

    assert approve().status_code == 302
    assert SubsidyStatement.objects.get().total == Decimal("240.00")


def test_approval_freezes_the_statement_against_later_changes(demo: None) -> None:
    cases = month_with_cases()
    review(cases[2], FileVerdict.FAILED)

    assert approve().status_code == 302
    review(cases[2])  # the third file passes after approval: 400 + 20 more, not paid into it
    Case.objects.filter(pk=cases[0].pk).update(difficulty="major")

    frozen = SubsidyStatement.objects.get()
    assert frozen.total == Decimal("240.00")
    found = statement(lianmeng(), user("mediator"), this_month())
    assert found.total == Decimal("240.00")
    assert [c.number for c in found.corrections] == [cases[0].number, cases[2].number]
    page = client_for("street").get(reverse("cases:subsidy_statement", args=args())).content
    assert "240.00" in page.decode()
    assert AuditEntry.objects.filter(event=AuditEvent.SUBSIDY_APPROVED).count() == 1


def test_a_statement_changed_since_it_was_shown_is_not_approved(demo: None) -> None:
    cases = month_with_cases()
    seen = statement(lianmeng(), user("mediator"), this_month()).digest()
    review(cases[2])

    response = client_for("street").post(
        reverse("cases:approve_subsidy_statement", args=args()), {"seen": seen}
    )

    assert response.status_code == 409
    assert not SubsidyStatement.objects.exists()


def test_two_approvers_at_once_the_second_gets_409(demo: None) -> None:
    cases = month_with_cases()
    review(cases[2], FileVerdict.FAILED)
    seen = statement(lianmeng(), user("mediator"), this_month()).digest()
    url = reverse("cases:approve_subsidy_statement", args=args())

    assert client_for("street").post(url, {"seen": seen}).status_code == 302
    assert client_for("admin").post(url, {"seen": seen}).status_code == 409
    assert SubsidyStatement.objects.count() == 1


def test_a_month_typed_wrongly_is_said_and_the_usual_month_shown(demo: None) -> None:
    response = client_for("street").get(reverse("cases:subsidy_statements"), {"month": "2026-13"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "2026-09" in page  # how to give a month, in the user's language
    assert response.context["month"] == (this_month().replace(day=1) - timedelta(days=1)).replace(
        day=1
    )


def test_no_statement_of_someone_who_never_mediated_in_the_street(demo: None) -> None:
    month_with_cases()
    street = client_for("street")
    other = [lianmeng().pk, user("coordinator").pk, f"{this_month():%Y-%m}"]

    assert street.get(reverse("cases:subsidy_statement", args=other)).status_code == 404
    assert street.get(reverse("cases:subsidy_statement", args=args())).status_code == 200
