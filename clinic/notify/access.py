"""Who keeps a community's group robots: its coordinator, or the district admin of its
district."""

from __future__ import annotations

from clinic.access import NotPermitted, NotVisible, has_role, managed_communities
from clinic.choices import Role
from clinic.models import Community, GroupRobot, User


def access_robots(user: User, community_pk: int) -> Community:
    """A community whose group robots this user keeps: its coordinator, or the district admin
    of its district (404 for another community; 403 for a role that keeps no robots)."""
    if not has_role(user, Role.COORDINATOR, Role.DISTRICT_ADMIN):
        raise NotPermitted("community", community_pk, "manage group robots")
    found = managed_communities(user).filter(pk=community_pk).first()
    if found is None:
        raise NotVisible("community", community_pk)
    return found


def access_robot(user: User, pk: int) -> GroupRobot:
    """A robot of a community whose robots this user keeps (404 for any other)."""
    if not has_role(user, Role.COORDINATOR, Role.DISTRICT_ADMIN):
        raise NotPermitted("grouprobot", pk, "change")
    found = (
        GroupRobot.objects.filter(community__in=managed_communities(user), pk=pk)
        .select_related("community")
        .first()
    )
    if found is None:
        raise NotVisible("grouprobot", pk)
    return found
