"""The cases part of each role's home page ("my work")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from cases import access
from cases.choices import ACTIVE_STATES, Risk, State, VisitStatus
from cases.models import Case, ConsultationInvitee, FollowUp, JointConsultation, VisitRequest
from cases.statistics import figures
from clinic.access import memberships
from clinic.choices import Role
from clinic.models import Community

register = template.Library()

LIMIT = 8


@register.inclusion_tag("cases/_my_work.html", takes_context=True)
def my_work(context: dict[str, Any], role: str) -> dict[str, Any]:
    """Due and overdue cases, and cases waiting for this person in this role."""
    user = context["request"].user
    today = timezone.localdate()
    soon = today + timedelta(days=7)
    visible = Case.objects.visible_to(user).for_list()
    communities = [m.community_id for m in memberships(user) if m.role == Role.COORDINATOR]
    panels: list[tuple[str, Any, str]] = []
    headline = None
    street_alerts: dict[str, int] = {}
    if role == Role.MEDIATOR:
        mine = visible.filter(mediator=user)
        panels = [
            ("waiting", mine.filter(state=State.REGISTERED), "?state=registered&mine=1"),
            ("overdue", mine.overdue(today), "?overdue=1&mine=1"),
            (
                "due",
                mine.filter(state__in=ACTIVE_STATES, mediation_due__range=(today, soon)),
                "?state=open&mine=1",
            ),
        ]
    elif role == Role.COORDINATOR:
        local = visible.filter(community_id__in=communities)
        panels = [
            (
                "unassigned",
                local.filter(state__in=[State.REGISTERED, *ACTIVE_STATES], mediator__isnull=True),
                "?state=open",
            ),
            ("risk", local.open().filter(risk__in=[Risk.RED, Risk.ORANGE]), "?state=open&risk=red"),
            ("overdue", local.overdue(today), "?overdue=1"),
            ("waiting", local.filter(state=State.REGISTERED), "?state=registered"),
        ]
    elif role == Role.STREET_OFFICER:
        streets = [m.street_id for m in memberships(user) if m.role == Role.STREET_OFFICER]
        escalated = visible.filter(street_id__in=streets, escalated_at__isnull=False)
        in_street = Case.objects.filter(street_id__in=streets).open().disputes()
        panels = [
            ("escalated", escalated.open(), "?state=open"),
            ("overdue", escalated.overdue(today), "?overdue=1"),
        ]
        headline = figures.compute(
            list(Community.objects.filter(street_id__in=streets)),
            figures.month_period(today.year, today.month),
            "",
        ).total
        street_alerts = {
            "red": in_street.filter(risk=Risk.RED).count(),
            "overdue": in_street.overdue(today).count(),
        }
    elif role in (Role.JUDGE, Role.PROSECUTOR, Role.POLICE, Role.LAWYER):
        advising = visible.open().filter(pk__in=access.granted_cases(user, "advise_case"))
        panels = [("advising", advising, "?state=open&mine=1")]
    visits: list = []
    invitations: list = []
    consultations: list = []
    if role == Role.GRID_WORKER:
        visits = list(VisitRequest.objects.filter(requested_by=user).select_related("grid")[:LIMIT])
    elif role == Role.COORDINATOR:
        visits = list(
            VisitRequest.objects.filter(
                community_id__in=communities, status=VisitStatus.SUBMITTED
            ).select_related("grid")[:LIMIT]
        )
        consultations = list(
            JointConsultation.objects.filter(
                case__community_id__in=communities, concluded_at__isnull=True
            ).select_related("case", "meeting")[:LIMIT]
        )
    elif role in (Role.JUDGE, Role.PROSECUTOR, Role.POLICE, Role.LAWYER, Role.MEDIATOR):
        visits = list(
            VisitRequest.objects.filter(
                assignees__user=user,
                status=VisitStatus.SCHEDULED,
                visit_starts_at__lt=timezone.now() + timedelta(days=7),
            ).select_related("grid")[:LIMIT]
        )
        invitations = list(
            ConsultationInvitee.objects.filter(user=user, consultation__concluded_at__isnull=True)
            .select_related("consultation__case", "consultation__meeting")
            .order_by("consultation__convened_at")[:LIMIT]
        )
    follow_ups = (
        FollowUp.objects.filter(assignee=user, done_at__isnull=True)
        .select_related("case")
        .order_by("due_on")[:LIMIT]
    )
    rows = []
    for key, qs, query in panels:
        items = list(qs.order_by("mediation_due", "-registered_at")[:LIMIT])
        rows.append({"key": key, "items": items, "query": query})
    return {
        "rows": rows,
        "follow_ups": follow_ups,
        "today": today,
        "role": role,
        "may_register": role in (Role.MEDIATOR, Role.COORDINATOR),
        "visits": visits,
        "invitations": invitations,
        "consultations": consultations,
        "headline": headline,
        "street_alerts": street_alerts,
    }


@register.filter
def overdue_class(case: Case) -> str:
    return "overdue" if case.is_overdue else ""
