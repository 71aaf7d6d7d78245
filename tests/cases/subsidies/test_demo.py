"""The demo shows 以案定补 with a little data, whatever today's date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.choices import Outcome
from cases.models import Case, FileReview, SubsidyRule, SubsidyStatement
from cases.subsidies.demo import seed_subsidies
from tests.cases.subsidies.factories import concluded

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_rule_grades_reviews_and_an_approved_month(demo: None) -> None:
    this_month = timezone.localdate().replace(day=1)
    before_last = (this_month - timedelta(days=40)).replace(day=1)
    old = [
        concluded(Outcome.SETTLED_WRITTEN, on=before_last + timedelta(days=3)),
        concluded(Outcome.FAILED, on=before_last + timedelta(days=5)),
    ]
    recent = [concluded(Outcome.SETTLED_ORAL), concluded(Outcome.SETTLED_WRITTEN)]

    seed_subsidies()
    seed_subsidies()  # a second run adds nothing

    assert SubsidyRule.objects.count() == 1
    assert all(Case.objects.get(pk=c.pk).difficulty for c in old)
    assert not any(Case.objects.get(pk=c.pk).difficulty for c in recent)  # 待定级 shown
    assert FileReview.objects.filter(case__in=old).count() == 2
    assert not FileReview.objects.filter(case__in=recent).exists()
    frozen = SubsidyStatement.objects.get()
    assert frozen.month == before_last
    assert frozen.total > 0
