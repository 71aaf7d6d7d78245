"""Committees that hold no cases here (企事业, 行业专业, 派驻, 个人调解工作室) are never offered
where cases, their reports or their answers are kept."""

from __future__ import annotations

from cases import access
from cases.statistics import filing
from clinic.models import MediationCommittee, Street
from tests.conftest import person


def _others() -> set[int]:
    found = set(MediationCommittee.objects.filter(level="").values_list("pk", flat=True))
    assert len(found) == 2  # the demo's trade committee and studio
    return found


def test_no_report_scope_answer_list_or_filing_scope_offers_them(demo: None) -> None:
    others = _others()
    admin = person("admin")
    keys = {key for key, _label in access.statistics_scopes(admin)}
    assert not keys & {f"committee:{pk}" for pk in others}
    assert {
        f"committee:{pk}"
        for pk in MediationCommittee.objects.holding_cases().values_list("pk", flat=True)
    } <= keys
    assert not set(access.answer_committees(admin).values_list("pk", flat=True)) & others
    street = Street.objects.get(name="联盟街道")
    assert not {c.pk for c in filing.scope_committees(f"street:{street.pk}")} & others
    assert not {c.pk for c in filing.scope_committees(f"district:{street.district_id}")} & others
    assert (
        not set(
            MediationCommittee.objects.filter(access.report_committees(admin)).values_list(
                "pk", flat=True
            )
        )
        & others
    )
