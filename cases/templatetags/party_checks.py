"""``{% party_checks case parties as checks %}``: what the case page says about its parties
beyond each one's own lines: a minor's or an incapable party's missing guardian consent, an
agent's missing power of attorney, a professional on the case who advised one of its parties
before (they may have to step aside), and each party's other cases."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from cases.intake.checks import AdviceConflict, advice_conflicts
from cases.models import Case, Party
from cases.models.parties import agents_without_authority

register = template.Library()


@dataclass
class PartyChecks:
    wards: list[Party]
    unauthorised: list[Party]
    conflicts: list[AdviceConflict]
    principals: list[Party]


@register.simple_tag
def party_checks(case: Case, parties: list[Party]) -> PartyChecks:
    principals = [p for p in parties if p.is_principal]
    dispute = case.kind == "dispute"
    return PartyChecks(
        wards=[p for p in principals if dispute and p.needs_guardian and not p.consent_complete],
        unauthorised=agents_without_authority(parties, list(case.attachments.all())),
        conflicts=advice_conflicts(case, parties),
        principals=principals,
    )
