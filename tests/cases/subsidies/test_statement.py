"""A mediator's monthly statement, computed from hand-made cases and checked by hand.

The demo rule: written agreement 简易 50 / 一般 100 / 复杂 200 / 重大疑难 400 元, oral half,
not settled 30, terminated 0; a file that passed review +20; cap 2000 a month."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.choices import Outcome
from cases.models import FileVerdict
from cases.subsidies.statement import Standing, statement
from clinic.models import Street
from tests.cases.factories import user
from tests.cases.subsidies.factories import concluded, review, rule

pytestmark = pytest.mark.django_db


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def lianmeng() -> Street:
    return Street.objects.get(name="联盟街道")


def test_the_statement_adds_up_as_by_hand(demo: None) -> None:
    rule(month=this_month())
    passed_written = concluded(Outcome.SETTLED_WRITTEN, grade="ordinary")  # 100 + 20
    passed_oral = concluded(Outcome.SETTLED_ORAL, grade="complex")  # 200 / 2 + 20
    passed_failed = concluded(Outcome.FAILED, grade="major")  # 30 + 20
    passed_withdrawn = concluded(Outcome.WITHDRAWN, grade="simple")  # 0 + 20
    failed_file = concluded(Outcome.SETTLED_WRITTEN, grade="simple")  # 不合格: 0
    unreviewed = concluded(Outcome.SETTLED_WRITTEN, grade="major")  # 待评查: 0
    ungraded = concluded(Outcome.SETTLED_WRITTEN)  # 待定级: 0, even though its file passed
    for case in (passed_written, passed_oral, passed_failed, passed_withdrawn, ungraded):
        review(case)
    review(failed_file, FileVerdict.FAILED)

    found = statement(lianmeng(), user("mediator"), this_month())

    by_case = {line.case_id: line for line in found.lines}
    assert len(by_case) == 7
    expected = {
        passed_written.pk: (Standing.COUNTED, "100.00", "20.00", "120.00"),
        passed_oral.pk: (Standing.COUNTED, "100.00", "20.00", "120.00"),
        passed_failed.pk: (Standing.COUNTED, "30.00", "20.00", "50.00"),
        passed_withdrawn.pk: (Standing.COUNTED, "0.00", "20.00", "20.00"),
        failed_file.pk: (Standing.FAILED, "50.00", "0.00", "0.00"),
        unreviewed.pk: (Standing.UNREVIEWED, "400.00", "0.00", "0.00"),
        ungraded.pk: (Standing.UNGRADED, "0.00", "0.00", "0.00"),
    }
    assert {
        pk: (line.standing, str(line.rate), str(line.extra), str(line.amount))
        for pk, line in by_case.items()
    } == expected
    assert found.subtotal == Decimal("310.00")
    assert found.total == Decimal("310.00")
    assert not found.capped
    assert (found.counted, found.pending) == (4, 3)


def test_the_cap_cuts_the_month(demo: None) -> None:
    rule(month=this_month(), cap="150")
    for grade in ("major", "complex"):  # 420 + 220
        review(concluded(Outcome.SETTLED_WRITTEN, grade=grade))

    found = statement(lianmeng(), user("mediator"), this_month())

    assert (found.subtotal, found.cap, found.total) == (
        Decimal("640.00"),
        Decimal("150.00"),
        Decimal("150.00"),
    )
    assert found.capped


def test_only_the_mediators_disputes_concluded_in_the_month_count(demo: None) -> None:
    month = this_month()
    rule(month=month)
    mine = concluded(Outcome.SETTLED_WRITTEN, grade="simple")
    concluded(Outcome.SETTLED_WRITTEN, grade="simple", on=month - timedelta(days=1))
    concluded(
        Outcome.SETTLED_WRITTEN, grade="simple", mediator="mediator_jinse", community="金色社区"
    )

    found = statement(lianmeng(), user("mediator"), month)

    assert [line.case_id for line in found.lines] == [mine.pk]


def test_a_later_rule_pays_from_its_month_on(demo: None) -> None:
    month = this_month()
    last = (month - timedelta(days=1)).replace(day=1)
    rule(month=last, bonus="10")
    rule(month=month, bonus="30")
    earlier = concluded(Outcome.SETTLED_WRITTEN, grade="simple", on=last)
    review(earlier)

    found = statement(lianmeng(), user("mediator"), last)

    assert [str(line.amount) for line in found.lines] == ["60.00"]  # 50 + 10, not + 30


def test_without_a_rule_nothing_is_earned(demo: None) -> None:
    review(concluded(Outcome.SETTLED_WRITTEN, grade="simple"))

    found = statement(lianmeng(), user("mediator"), this_month())

    assert found.rule is None
    assert found.total == Decimal("0.00")
    assert len(found.lines) == 1
