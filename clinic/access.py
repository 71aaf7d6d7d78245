"""Who may see and do what in the "who and where".

Every view calls one ``access_*`` helper first. They raise ``NotVisible`` (HTTP 404) when the
user may not know the object exists and ``NotPermitted`` (HTTP 403) when they may see it but not
act; ``clinic.middleware.AuditDenialsMiddleware`` writes both to the audit log. Querysets of
what a user may see are ``*_visible_to(user)`` functions here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from clinic.choices import PROFESSIONAL_ROLES, ROLE_LEVELS, ROLE_PRIORITY, Level, Role
from clinic.models import Community, District, Grid, Holiday, Membership, Street, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

T = TypeVar("T")


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``LoginRequiredMiddleware`` (every view not marked
    ``login_not_required``): its user is signed in. Only for annotations."""

    user: User


class NotVisible(Http404):
    """The object does not exist for this user (404): existence itself is not revealed."""

    def __init__(self, object_type: str, object_id: object) -> None:
        super().__init__(f"{object_type} {object_id} not found")
        self.object_type = object_type
        self.object_id = str(object_id)


class NotPermitted(PermissionDenied):
    """The user may see the object but not do this to it (403)."""

    def __init__(self, object_type: str, object_id: object, action: str = "") -> None:
        super().__init__(f"{action or 'change'} {object_type} {object_id} not permitted")
        self.object_type = object_type
        self.object_id = str(object_id)
        self.action = action


# --- Roles ----------------------------------------------------------------------------------


#: How long what a person may see stays cached under their access stamp (a new stamp, drawn
#: by the database when their roles or grants change, makes the old entries unreachable).
STAMPED_SECONDS = 60 * 60


def stamped(user: User, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for this person, cached across requests and processes under their
    ``access_stamp`` (see ``clinic.lib.stamps``): the same until their memberships, their case
    grants or the regions of their memberships change."""
    key = f"access:{user.pk}:{user.access_stamp}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if not connection.in_atomic_block or _stamp_holds(user):
            cache.set(key, value, STAMPED_SECONDS)
    return value


def _stamp_holds(user: User) -> bool:
    """Whether the stamp read with the person is still theirs as this transaction sees it. A
    transaction that changed their rights has drawn them a new stamp; what it computes must
    not be stored under the old one (it may yet roll back, and the old stamp come back)."""
    return User.objects.filter(pk=user.pk, access_stamp=user.access_stamp).exists()


def memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's active memberships with their regions (cached on the user for the request,
    and across requests under their access stamp)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = stamped(
            user,
            "memberships",
            lambda: list(
                Membership.objects.active()
                .filter(user=user)
                .select_related("district", "street", "community", "grid")
                .order_by("role", "pk")  # the model's order without its join on the user
            ),
        )
        user.__dict__["_active_memberships"] = cached
    return cached


def forget_memberships(user: User) -> None:
    """After the user's roles or grants changed in this request: drop what was cached on the
    user object and read their new access stamp."""
    user.__dict__.pop("_active_memberships", None)
    user.refresh_from_db(fields=["access_stamp"])


def roles(user: User | AnonymousUser) -> list[str]:
    """The user's active roles, most senior first."""
    held = {m.role for m in memberships(user)}
    return [role for role in ROLE_PRIORITY if role in held]


def has_role(user: User | AnonymousUser, *wanted: str) -> bool:
    return any(m.role in wanted for m in memberships(user))


def is_professional(user: User | AnonymousUser) -> bool:
    return has_role(user, *PROFESSIONAL_ROLES)


def community_scope(user: User | AnonymousUser, *wanted: str) -> Q:
    """A filter on ``Community`` for the communities where the user holds any of these roles
    (a street membership covers its communities, a district one the whole district)."""
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role not in wanted:
            continue
        if m.level == Level.DISTRICT:
            q |= Q(street__district_id=m.district_id)
        elif m.level == Level.STREET:
            q |= Q(street_id=m.street_id)
        else:
            q |= Q(pk=m.community_id)
    return q


def communities_for(user: User | AnonymousUser, *wanted: str) -> QuerySet[Community]:
    return Community.objects.filter(community_scope(user, *wanted)).select_related("street")


# --- People ---------------------------------------------------------------------------------

#: Roles a coordinator may grant inside their own community.
COORDINATOR_GRANTS = (*sorted(PROFESSIONAL_ROLES), Role.MEDIATOR, Role.GRID_WORKER)


def can_manage_people(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN, Role.COORDINATOR)


def managed_communities(user: User | AnonymousUser) -> QuerySet[Community]:
    """Communities whose people this user manages: a coordinator's own community; every
    community of a district admin's district."""
    return communities_for(user, Role.COORDINATOR, Role.DISTRICT_ADMIN)


def _district_ids(user: User | AnonymousUser) -> list[int]:
    return [m.district_id for m in memberships(user) if m.role == Role.DISTRICT_ADMIN]


def people_visible_to(user: User | AnonymousUser) -> QuerySet[User]:
    """People a manager may see: a coordinator sees everyone who holds or held a role in their
    community (street-wide professionals and mediators included); a district admin everyone in
    their district and anyone without any role yet."""
    if not can_manage_people(user):
        return User.objects.none()
    districts = _district_ids(user)
    q = Q(pk__in=[])
    if districts:
        q |= Q(memberships__district_id__in=districts) | Q(memberships__isnull=True)
    coordinated = [m for m in memberships(user) if m.role == Role.COORDINATOR]
    if coordinated:
        q |= Q(memberships__community_id__in=[m.community_id for m in coordinated])
        q |= Q(
            memberships__level=Level.STREET,
            memberships__street_id__in=[m.street_id for m in coordinated],
            memberships__role__in=[*PROFESSIONAL_ROLES, Role.MEDIATOR],
        )
    return User.objects.filter(q).distinct()


def may_change_person(user: User | AnonymousUser, person: User) -> bool:
    """A district admin may change anyone they see; a coordinator only people whose every
    active role lies inside their own community."""
    if _district_ids(user):
        return True
    own = {m.community_id for m in memberships(user) if m.role == Role.COORDINATOR}
    if not own:
        return False
    active = list(Membership.objects.active().filter(user=person).values_list("community_id"))
    return all(community_id in own for (community_id,) in active)


def access_person(user: User | AnonymousUser, pk: int, *, write: bool = False) -> User:
    try:
        person = people_visible_to(user).get(pk=pk)
    except User.DoesNotExist:
        raise NotVisible("person", pk) from None
    if write and not may_change_person(user, person):
        raise NotPermitted("person", pk, "change")
    return person


def access_membership(user: User | AnonymousUser, pk: int) -> Membership:
    """A membership the user may end: its person is visible and its region is one the user
    manages."""
    try:
        membership = Membership.objects.select_related("user").get(pk=pk)
    except Membership.DoesNotExist:
        raise NotVisible("membership", pk) from None
    if not people_visible_to(user).filter(pk=membership.user_id).exists():
        raise NotVisible("membership", pk)
    if not may_grant(user, membership.role, membership.region):
        raise NotPermitted("membership", pk, "end")
    return membership


def grantable_roles(user: User | AnonymousUser) -> list[str]:
    if _district_ids(user):
        return [role.value for role in Role]
    if has_role(user, Role.COORDINATOR):
        return [str(role) for role in COORDINATOR_GRANTS]
    return []


def grantable_regions(user: User | AnonymousUser) -> list[District | Street | Community | Grid]:
    """Regions in which the user may grant roles, broadest first."""
    districts = _district_ids(user)
    regions: list[District | Street | Community | Grid] = []
    if districts:
        regions += list(District.objects.filter(pk__in=districts))
        regions += list(Street.objects.filter(district_id__in=districts))
    communities = list(managed_communities(user))
    regions += communities
    regions += list(Grid.objects.filter(community__in=communities).select_related("community"))
    return regions


def may_grant(user: User | AnonymousUser, role: str, region: object) -> bool:
    """Whether the user may grant (or end) ``role`` at ``region``."""
    if role not in grantable_roles(user):
        return False
    level = level_of(region)
    if level not in ROLE_LEVELS[role]:
        return False
    districts = _district_ids(user)
    if districts:
        return _district_of(region) in districts
    own = {m.community_id for m in memberships(user) if m.role == Role.COORDINATOR}
    if isinstance(region, Community):
        return region.pk in own
    if isinstance(region, Grid):
        return region.community_id in own
    return False


def level_of(region: object) -> str:
    if isinstance(region, District):
        return Level.DISTRICT
    if isinstance(region, Street):
        return Level.STREET
    if isinstance(region, Community):
        return Level.COMMUNITY
    if isinstance(region, Grid):
        return Level.GRID
    raise TypeError(f"not a region: {region!r}")


def _district_of(region: object) -> int:
    if isinstance(region, District):
        return region.pk
    if isinstance(region, Street):
        return region.district_id
    if isinstance(region, Community):
        return region.street.district_id
    if isinstance(region, Grid):
        return region.community.street.district_id
    raise TypeError(f"not a region: {region!r}")


# --- Holidays -------------------------------------------------------------------------------


def can_manage_holidays(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN)


def access_holiday(user: User | AnonymousUser, pk: int) -> Holiday:
    if not can_manage_holidays(user):
        raise NotPermitted("holiday", pk, "change")
    try:
        return Holiday.objects.get(pk=pk)
    except Holiday.DoesNotExist:
        raise NotVisible("holiday", pk) from None


def require_role(user: User | AnonymousUser, roles_needed: Iterable[str], what: str) -> None:
    """Refuse (403) a page that only some roles use."""
    if not has_role(user, *roles_needed):
        raise NotPermitted(what, "", "open")
