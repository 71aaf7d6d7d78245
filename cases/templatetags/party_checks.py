"""``{% party_checks case parties as checks %}``: what the case page says about its parties
beyond each one's own lines: a minor's or an incapable party's missing guardian consent, an
agent's missing power of attorney, a professional on the case who advised one of its parties
before (they may have to step aside), and each party's other cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from cases.access import case_scope
from cases.intake.checks import AdviceConflict, advice_conflicts
from cases.models import Case, Party
from cases.models.parties import agents_without_authority

register = template.Library()


@dataclass
class PartyChecks:
    wards: list[Party]
    unauthorised: list[Party]
    #: Each conflict, and whether the viewer may open the case the earlier advice was on (if
    #: not, the page names no day: "ask your coordinator", like the duplicate check).
    conflicts: list[tuple[AdviceConflict, bool]]
    principals: list[Party]


@register.simple_tag(takes_context=True)
def party_checks(context: dict[str, Any], case: Case, parties: list[Party]) -> PartyChecks:
    principals = [p for p in parties if p.is_principal]
    dispute = case.kind == "dispute"
    conflicts = advice_conflicts(case, parties)
    visible: set[int] = set()
    if conflicts:
        viewer = context["request"].user
        earlier = {c.earlier.case_id for c in conflicts}
        visible = set(
            Case.objects.filter(case_scope(viewer), pk__in=earlier).values_list("pk", flat=True)
        )
    return PartyChecks(
        wards=[p for p in principals if dispute and p.needs_guardian and not p.consent_complete],
        unauthorised=agents_without_authority(parties, case.current_attachments),
        conflicts=[(c, c.earlier.case_id in visible) for c in conflicts],
        principals=principals,
    )
