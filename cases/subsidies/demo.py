"""以案定补 in the demo (``seed_demo_cases``), on any date, once: 盘龙区's rule from the demo's
first month, grades on the concluded demo disputes (two left ungraded), their files reviewed
but the last month's (one failed with reasons, put right and passed; one failed still), and
the statements of the month before last approved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.choices import Difficulty
from cases.models import FileReview, FileVerdict, SubsidyRule
from cases.subsidies import statement as statements
from cases.subsidies.actions import do_approve_statement, do_review_file, do_save_subsidy_rule
from clinic.choices import Role
from clinic.models import District, Membership, User

#: The rate of a written agreement by grade (yuan); an oral one earns half, a mediation that
#: failed 30, a terminated one nothing; a file that passed review 20 more; 2000 a month at most.
WRITTEN = {
    Difficulty.SIMPLE: Decimal(50),
    Difficulty.ORDINARY: Decimal(100),
    Difficulty.COMPLEX: Decimal(200),
    Difficulty.MAJOR: Decimal(400),
}
GRADES = [
    Difficulty.SIMPLE,
    Difficulty.ORDINARY,
    Difficulty.SIMPLE,
    Difficulty.COMPLEX,
    Difficulty.ORDINARY,
    Difficulty.MAJOR,
]


def demo_rates() -> dict[str, dict[str, str]]:
    return {
        grade.value: {
            "written": str(amount),
            "oral": str(amount / 2),
            "failed": "30",
            "terminated": "0",
        }
        for grade, amount in WRITTEN.items()
    }


def _reviewer(street_id: int, admin: User) -> User:
    held = (
        Membership.objects.active()
        .filter(role=Role.STREET_OFFICER, street_id=street_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return held.user if held else admin


@transaction.atomic
def seed_subsidies() -> None:
    if SubsidyRule.objects.exists():
        return
    district = District.objects.order_by("code").first()
    admin = User.objects.filter(username="admin").first()
    if district is None or admin is None:
        return
    this_month = timezone.localdate().replace(day=1)
    first = this_month
    for _month in range(13):
        first = (first - timedelta(days=1)).replace(day=1)
    do_save_subsidy_rule(
        district,
        actor=admin,
        valid_from=first,
        rates=demo_rates(),
        file_bonus=Decimal(20),
        monthly_cap=Decimal(2000),
        basis="盘司发〔2025〕12号",
    )
    cases = list(
        statements.concluded_cases()
        .filter(street__district=district)
        .order_by("concluded", "pk")
        .select_related("street")
    )
    # two of this month's and last month's left ungraded: the statement lists them as 待定级
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    recent = [c for c in cases if timezone.localtime(c.concluded).date() >= last_month]
    ungraded = {c.pk for c in recent[:2]}
    for index, case in enumerate(cases):
        if not case.difficulty and case.pk not in ungraded:
            case.difficulty = GRADES[index % len(GRADES)]
            type(case).objects.filter(pk=case.pk).update(difficulty=case.difficulty)
    older = [c for c in cases if timezone.localtime(c.concluded).date() < last_month]
    for index, case in enumerate(older):
        reviewer = _reviewer(case.street_id, admin)
        if index % 9 == 4:  # failed, put right, passed on the second review
            first_review = do_review_file(
                case,
                actor=reviewer,
                verdict=FileVerdict.FAILED,
                defects=["record_missing", "identity_missing"],
                note="笔录缺当事人签名，补签后再送审",
                seen_review=None,
            )
            do_review_file(
                case,
                actor=reviewer,
                verdict=FileVerdict.PASSED,
                defects=[],
                note="已补签",
                seen_review=first_review.pk,
            )
        elif index % 9 == 7:  # failed, not yet put right
            do_review_file(
                case,
                actor=reviewer,
                verdict=FileVerdict.FAILED,
                defects=["agreement_unsigned"],
                note="协议书缺调委会印章",
                seen_review=None,
            )
        else:
            do_review_file(
                case,
                actor=reviewer,
                verdict=FileVerdict.PASSED,
                defects=[],
                note="",
                seen_review=None,
            )
    before_last = (last_month - timedelta(days=1)).replace(day=1)
    streets = list({c.street_id: c.street for c in cases}.values())
    for found in statements.statements(streets, before_last):
        if (
            found.lines
            and not found.undecided
            and FileReview.objects.filter(
                case_id__in=[line.case_id for line in found.lines]
            ).exists()
        ):
            do_approve_statement(
                found.street,
                found.mediator,
                found.month,
                actor=_reviewer(found.street.pk, admin),
                seen=found.digest(),
            )
