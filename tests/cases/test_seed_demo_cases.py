from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cases.choices import DisputeType, Kind, Level, Outcome, Source, State
from cases.models import Case, CaseNumberSequence, FollowUp, FollowUpSetback


@pytest.mark.django_db
def test_the_demo_cases_cover_every_state_kind_type_source_level_and_outcome() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    cases = Case.objects.all()
    assert cases.count() >= 40
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    assert set(cases.values_list("kind", flat=True)) == set(Kind.values)
    assert set(cases.values_list("dispute_type", flat=True)) == set(DisputeType.values)
    assert set(cases.values_list("source", flat=True)) == set(Source.values)
    assert set(cases.values_list("level", flat=True)) == set(Level.values)
    assert set(Outcome.values) <= set(cases.values_list("outcome", flat=True))
    months = {c.registered_at.strftime("%Y-%m") for c in cases}
    assert len(months) >= 12
    assert cases.overdue().exists()
    assert FollowUp.objects.filter(urged=True).exists()
    # a company as a party (法人, with its credit code), and dispute subtypes on the cases
    assert cases.filter(parties__kind="legal", parties__credit_code="91530103MA6K3Q8T2E").exists()
    assert cases.filter(dispute_subtype__isnull=False).count() >= 10
    # 预防效果 beyond 民转刑 and 上访, and what went wrong after a settlement
    assert cases.filter(prevented_fight=True).exists()
    assert cases.filter(prevented_suicide=True).exists()
    assert FollowUpSetback.objects.filter(kind="payment_order").exists()
    # numbers per committee and year are 1..N with the sequence at N
    for sequence in CaseNumberSequence.objects.filter(kind="case"):
        numbers = list(
            Case.objects.filter(
                number__contains=f"{sequence.committee.case_prefix}人调字",
                number_year=sequence.year,
            )
            .order_by("number_seq")
            .values_list("number_seq", flat=True)
        )
        assert numbers == list(range(1, sequence.last + 1))
    before = cases.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Case.objects.count() == before
