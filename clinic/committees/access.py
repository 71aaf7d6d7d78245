"""Who sees and changes which committee's organisation pages.

- The district admin: every committee of the district (any type); adds committees (a
  committee's own particulars are changed in the admin site) and keeps members, trainings and
  seal uses.
- A community's coordinator: sees the community's committee and the street committee of its
  street; keeps the community committee's members and trainings (the street committee's are
  the district admin's) and records seal uses of both.
- A mediator: the committee they mediate for (a community's, or the street's at street
  level); sees it and records seal uses.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from clinic.access import NotPermitted, NotVisible, memberships
from clinic.choices import CommitteeLevel, Level, Role
from clinic.models import CommitteeMember, MediationCommittee, User

#: The roles that open the committee pages at all (everyone else: 403 before any lookup).
PAGE_ROLES = (Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.MEDIATOR)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _street_committee(street_id: int | None) -> Q:
    return Q(level=CommitteeLevel.STREET, street_id=street_id)


def visible_scope(user: User | AnonymousUser) -> Q:
    """The committees this user's organisation pages show (a filter on ``MediationCommittee``)."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts |= Q(street__district_id=m.district_id)
        elif m.role == Role.COORDINATOR and m.community_id is not None:
            parts |= Q(community_id=m.community_id) | _street_committee(m.street_id)
        elif m.role == Role.MEDIATOR:
            if m.level == Level.COMMUNITY and m.community_id is not None:
                parts |= Q(community_id=m.community_id)
            elif m.level == Level.STREET and m.street_id is not None:
                parts |= _street_committee(m.street_id)
    return parts


def managed_scope(user: User | AnonymousUser) -> Q:
    """The committees whose members and trainings this user keeps: the district admin every
    committee of the district, a coordinator only their community's (the street committee they
    see is kept by the district admin)."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts |= Q(street__district_id=m.district_id)
        elif m.role == Role.COORDINATOR and m.community_id is not None:
            parts |= Q(community_id=m.community_id)
    return parts


def require_page(user: User | AnonymousUser) -> None:
    """Refuse (403) a role that never uses the committee pages."""
    if not any(m.role in PAGE_ROLES for m in memberships(user)):
        raise NotPermitted("committee", "", "open")


def visible_committees(user: User | AnonymousUser) -> QuerySet[MediationCommittee]:
    return MediationCommittee.objects.filter(visible_scope(user)).select_related(
        "street", "community"
    )


def may_manage(user: User | AnonymousUser, committee: MediationCommittee) -> bool:
    return MediationCommittee.objects.filter(managed_scope(user), pk=committee.pk).exists()


def may_add_committees(user: User | AnonymousUser) -> bool:
    return any(m.role == Role.DISTRICT_ADMIN for m in memberships(user))


def access_organisation(
    user: User | AnonymousUser, pk: object, *, manage: bool = False
) -> MediationCommittee:
    """A committee this user sees (404 for any other); with ``manage``, one whose members they
    keep (403 for one they only see)."""
    require_page(user)
    found = visible_committees(user).select_related("street__district").filter(pk=_int(pk)).first()
    if found is None:
        raise NotVisible("committee", pk)
    if manage and not may_manage(user, found):
        raise NotPermitted("committee", pk, "change")
    return found


def access_member(user: User | AnonymousUser, pk: object) -> CommitteeMember:
    """A member of a committee whose members this user keeps: 404 if the committee is not
    visible, 403 if it is but its members are not theirs to keep."""
    require_page(user)
    found = (
        CommitteeMember.objects.filter(
            committee__in=MediationCommittee.objects.filter(visible_scope(user)), pk=_int(pk)
        )
        .select_related("committee__street", "committee__community", "user")
        .first()
    )
    if found is None:
        raise NotVisible("committee member", pk)
    if not may_manage(user, found.committee):
        raise NotPermitted("committee member", pk, "change")
    return found


def require_adding_committees(user: User | AnonymousUser) -> None:
    if not may_add_committees(user):
        raise NotPermitted("committee", "", "add")
