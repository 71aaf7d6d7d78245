"""Who sees and records the 排查 ledger.

- A grid worker records sweeps of their grids and sees them (and the ones they recorded in a
  community they still serve).
- A coordinator sees and records the sweeps of their community (a grid's or the whole
  community's).
- A street officer sees the ledger of their street, a district admin of their district; both
  only read it.

``access_sweep`` and ``access_finding`` raise 404 for what the user may not see and 403 for what
they may see but not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cases.models import Sweep, SweepFinding
from clinic.access import NotPermitted, NotVisible, memberships
from clinic.choices import Role
from clinic.models import Community, Grid, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

#: The roles that see the ledger.
LEDGER_ROLES = (Role.GRID_WORKER, Role.COORDINATOR, Role.STREET_OFFICER, Role.DISTRICT_ADMIN)


def sweep_scope(user: User | AnonymousUser) -> Q:
    """A filter on ``Sweep`` for the sweeps this user sees."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.GRID_WORKER and m.grid_id is not None:
            # and the ones they recorded in this community (of a grid they served before)
            q |= Q(grid_id=m.grid_id) | Q(created_by=user, community_id=m.community_id)
        elif m.role == Role.COORDINATOR and m.community_id is not None:
            q |= Q(community_id=m.community_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            q |= Q(community__street_id=m.street_id)
        elif m.role == Role.DISTRICT_ADMIN:
            q |= Q(community__street__district_id=m.district_id)
    return q


def may_see_ledger(user: User | AnonymousUser) -> bool:
    return any(m.role in LEDGER_ROLES for m in memberships(user))


def recording_grids(user: User | AnonymousUser) -> QuerySet[Grid]:
    """The grids whose sweeps this user records: a grid worker's own, a coordinator's
    community's."""
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.GRID_WORKER and m.grid_id is not None:
            q |= Q(pk=m.grid_id)
        elif m.role == Role.COORDINATOR and m.community_id is not None:
            q |= Q(community_id=m.community_id)
    return Grid.objects.filter(q).select_related("community").order_by("community__code", "code")


def recording_communities(user: User | AnonymousUser) -> QuerySet[Community]:
    """The communities a coordinator records a whole-community sweep of."""
    ids = [m.community_id for m in memberships(user) if m.role == Role.COORDINATOR]
    return Community.objects.filter(pk__in=ids).order_by("code")


def may_record_sweeps(user: User | AnonymousUser) -> bool:
    return any(m.role in (Role.GRID_WORKER, Role.COORDINATOR) for m in memberships(user))


def may_record(user: User | AnonymousUser, sweep: Sweep) -> bool:
    """Who changes a sweep and its findings: the grid worker of its grid, whoever recorded it
    while they still serve its community, and the coordinator of its community."""
    if not user.is_authenticated:
        return False
    for m in memberships(user):
        if (
            sweep.created_by_id == user.pk
            and m.role in (Role.GRID_WORKER, Role.COORDINATOR)
            and m.community_id == sweep.community_id
        ):
            return True
        if m.role == Role.GRID_WORKER and sweep.grid_id is not None and m.grid_id == sweep.grid_id:
            return True
        if m.role == Role.COORDINATOR and m.community_id == sweep.community_id:
            return True
    return False


def access_sweep(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Sweep:
    found = (
        Sweep.objects.filter(sweep_scope(user), pk=pk)
        .select_related("community__street", "grid", "created_by")
        .first()
    )
    if found is None:
        raise NotVisible("sweep", pk)
    if write and not may_record(user, found):
        raise NotPermitted("sweep", pk, "record")
    return found


def access_finding(user: User | AnonymousUser, pk: object, *, write: bool = False) -> SweepFinding:
    try:
        number = int(str(pk))
    except ValueError:
        raise NotVisible("sweep_finding", pk) from None
    found = (
        SweepFinding.objects.filter(pk=number)
        .select_related("sweep__community__street", "sweep__grid", "visit", "case")
        .first()
    )
    if found is None or not Sweep.objects.filter(sweep_scope(user), pk=found.sweep_id).exists():
        raise NotVisible("sweep_finding", pk)
    if write and not may_record(user, found.sweep):
        raise NotPermitted("sweep_finding", pk, "record")
    return found


def ledger_communities(user: User | AnonymousUser) -> QuerySet[Community]:
    """The communities whose sweeps the user sees (the ledger's community filter)."""
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role in (Role.GRID_WORKER, Role.COORDINATOR) and m.community_id is not None:
            q |= Q(pk=m.community_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            q |= Q(street_id=m.street_id)
        elif m.role == Role.DISTRICT_ADMIN:
            q |= Q(street__district_id=m.district_id)
    return Community.objects.filter(q).order_by("code")


def finding_for_visit(user: User | AnonymousUser, pk: str | None) -> SweepFinding | None:
    """The finding a home visit is requested from (``?finding=`` on the request form): one
    the user records (404 or 403 otherwise), and not yet prevented, visited or a case."""
    if not pk:
        return None
    finding = access_finding(user, pk, write=True)
    if finding.prevented or finding.visit_id or finding.case_id:
        raise NotPermitted("sweep_finding", pk, "request_visit")
    return finding


def visit_initial(finding: SweepFinding | None) -> dict[str, object]:
    """The visit request form filled in from a finding: its grid and what the dispute is."""
    if finding is None:
        return {}
    initial: dict[str, object] = {"problem": finding.description}
    if finding.sweep.grid_id is not None:
        initial["grid"] = finding.sweep.grid_id
    return initial
