"""Subsidy test data: the demo rule, concluded cases of a chosen grade and outcome, reviews."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cases.choices import AgreementForm, Outcome, State
from cases.mediation.actions import do_settle_case, do_terminate_case
from cases.models import Case, FileVerdict, SubsidyRule
from cases.subsidies.actions import do_review_file, do_save_subsidy_rule
from clinic.models import District
from tests.cases.factories import fresh, in_state, signed_agreement, user

#: The demo rule of 盘龙区: written agreement by grade, oral half, not settled 30, terminated 0.
WRITTEN = {"simple": "50", "ordinary": "100", "complex": "200", "major": "400"}


def demo_rates() -> dict[str, dict[str, str]]:
    return {
        grade: {
            "written": amount,
            "oral": str(Decimal(amount) / 2),
            "failed": "30",
            "terminated": "0",
        }
        for grade, amount in WRITTEN.items()
    }


def rule(
    *,
    month: date,
    bonus: str = "20",
    cap: str | None = "2000",
    rates: dict[str, dict[str, str]] | None = None,
) -> SubsidyRule:
    return do_save_subsidy_rule(
        District.objects.get(name="盘龙区"),
        actor=user("admin"),
        valid_from=month,
        rates=rates or demo_rates(),
        file_bonus=Decimal(bonus),
        monthly_cap=None if cap is None else Decimal(cap),
        basis="盘司发〔2026〕5号",
    )


def concluded(
    outcome: str,
    *,
    grade: str = "",
    on: date | None = None,
    mediator: str = "mediator",
    **fields: Any,
) -> Case:
    """A dispute of 金江路社区 concluded so (through the actions), graded ``grade``, its
    conclusion moved to ``on`` (noon)."""
    case = in_state(State.SIT_IN, by=mediator, mediator=mediator, **fields)
    actor = user(mediator)
    if outcome in (Outcome.SETTLED_WRITTEN, Outcome.SETTLED_ORAL):
        form = AgreementForm.WRITTEN if outcome == Outcome.SETTLED_WRITTEN else AgreementForm.ORAL
        signed_agreement(case, by=mediator, form=form)
        do_settle_case(fresh(case), actor=actor, version=None)
    else:
        do_terminate_case(
            fresh(case), actor=actor, version=None, outcome=outcome, note="调解不成，引导诉讼"
        )
    moment = timezone.make_aware(datetime.combine(on or timezone.localdate(), time(12)))
    stamp = (
        "settled_at" if outcome in (Outcome.SETTLED_WRITTEN, Outcome.SETTLED_ORAL) else "closed_at"
    )
    Case.objects.filter(pk=case.pk).update(difficulty=grade, **{stamp: moment})
    found = fresh(case)
    assert found.outcome == outcome
    return found


def review(case: Case, verdict: str = FileVerdict.PASSED, *, by: str = "street") -> Any:
    latest = case.file_reviews.order_by("-reviewed_at", "-pk").first()
    return do_review_file(
        case,
        actor=user(by),
        verdict=verdict,
        defects=[] if verdict == FileVerdict.PASSED else ["record_missing"],
        note="",
        seen_review=latest.pk if latest else None,
    )
