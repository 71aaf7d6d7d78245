"""What went wrong after settlements, as follow-ups (复诊) found it (``FollowUpSetback``):
转为刑事案件, 引发群体性上访 or 事件, the agreement changed, revoked or declared invalid by a
court, 申请支付令. The official report has no column for them; the statistics page shows them
beside the prevention figures, counted live (a frozen report does not hold them)."""

from __future__ import annotations

from django.db.models import Count

from cases.choices import Setback
from cases.models import FollowUpSetback
from cases.statistics.figures import Period
from clinic.models import Community, MediationCommittee


def setbacks_found(
    communities: list[Community],
    period: Period,
    *,
    committees: list[MediationCommittee] | None = None,
) -> list[tuple[str, int]]:
    """(what went wrong, cases) for every kind of setback: the cases of ``communities`` (of
    ``committees`` only, when given) a follow-up recorded in ``period`` found it in; a case
    counts once per kind however many follow-ups found it. One query."""
    found = FollowUpSetback.objects.filter(
        follow_up__case__community__in=communities,
        follow_up__done_at__gte=period.start,
        follow_up__done_at__lt=period.end,
    )
    if committees is not None:
        found = found.filter(follow_up__case__committee__in=committees)
    counted = dict(
        found.values_list("kind").annotate(n=Count("follow_up__case", distinct=True)).order_by()
    )
    return [(str(label), counted.get(kind, 0)) for kind, label in Setback.choices]
