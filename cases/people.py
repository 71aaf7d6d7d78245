"""Who holds a role for a case or a community: its mediators, grid workers, coordinators and
police, and the choices offered in forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cases.choices import EventKind
from cases.models import Case, CaseEvent
from clinic import access as clinic_access
from clinic.access import roles
from clinic.choices import PROFESSIONAL_ROLES, Role
from clinic.models import Community, Grid, MediationCommittee, Membership, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def coordinators_and_police(case: Case) -> list[User]:
    ids = Membership.objects.active().filter(
        community=case.community, role__in=[Role.COORDINATOR, Role.POLICE]
    )
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def coordinators(case: Case) -> list[User]:
    ids = Membership.objects.active().filter(community=case.community, role=Role.COORDINATOR)
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def roles_of(user: User) -> set[str]:
    return set(roles(user))


def community_managers(community: Community, *roles: str) -> list[User]:
    members = Membership.objects.active().filter(community=community, role__in=roles)
    return list(User.objects.filter(pk__in=members.values("user_id"), is_active=True))


def grid_workers(case: Case) -> QuerySet[User]:
    """Grid workers of the case's grid (or of its community when no grid is recorded)."""
    members = Membership.objects.active().filter(role=Role.GRID_WORKER)
    members = (
        members.filter(grid=case.grid) if case.grid_id else members.filter(community=case.community)
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


def mediators_for(case: Case) -> QuerySet[User]:
    """The mediators of the case's committee: the only ones who may be its mediator (and
    settle it). Mediators of other committees join only as invited participants."""
    return committee_mediators(case.committee)


def eligible_mediators(case: Case) -> QuerySet[User]:
    """The committee's mediators who may take the case: not one who stepped aside from it or
    was objected to (回避 is for the rest of the case)."""
    recused = CaseEvent.objects.filter(case=case, kind=EventKind.RECUSED).values_list(
        "payload__mediator_id", flat=True
    )
    return mediators_for(case).exclude(pk__in=[pk for pk in recused if pk])


def committee_mediators(committee: MediationCommittee) -> QuerySet[User]:
    """The active mediators of a committee: a community committee's hold the mediator role in
    its community, a street committee's in its street (at street level)."""
    if committee.level == "street":
        members = Membership.objects.active().filter(
            role=Role.MEDIATOR, level="street", street_id=committee.street_id
        )
    else:
        members = Membership.objects.active().filter(
            role=Role.MEDIATOR, level="community", community_id=committee.community_id
        )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by(
        "display_name", "pk"
    )


def street_officers(case: Case) -> list[User]:
    members = Membership.objects.active().filter(street=case.street, role=Role.STREET_OFFICER)
    return list(User.objects.filter(pk__in=members.values("user_id"), is_active=True))


def my_grids(user: User | AnonymousUser) -> QuerySet[Grid]:
    ids = [m.grid_id for m in clinic_access.memberships(user) if m.role == Role.GRID_WORKER]
    return Grid.objects.filter(pk__in=ids).select_related("community")


def professional_choices(community: Community) -> list[tuple[str, str]]:
    memberships = (
        Membership.objects.active()
        .filter(role__in=PROFESSIONAL_ROLES, user__is_active=True)
        .filter(Q(community=community) | Q(level="street", street=community.street))
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    seen: dict[str, str] = {}
    for m in memberships:
        seen[f"{m.user_id}:{m.role}"] = f"{Role(m.role).label} · {m.user} ({m.user.organisation})"
    return list(seen.items())


def mediator_choices(community: Community) -> list[tuple[str, str]]:
    members = (
        Membership.objects.active()
        .filter(role=Role.MEDIATOR, community=community, user__is_active=True)
        .select_related("user")
    )
    return [(f"{m.user_id}:mediator", f"{Role.MEDIATOR.label} · {m.user}") for m in members]
