"""The group robots' changes, each written to the audit log as a change of reference data
(never with the key)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from clinic import audit
from clinic.choices import AuditEvent
from clinic.models import Community, GroupRobot, User


@transaction.atomic
def do_add_robot(
    community: Community, *, actor: User, data: dict[str, Any], request: HttpRequest | None
) -> GroupRobot:
    """A robot for one of the community's groups; ``data`` is validated (``RobotForm``)."""
    robot = GroupRobot.objects.create(
        community=community,
        name=data["name"],
        provider=data["provider"],
        key=data["key"],
        added_by=actor,
    )
    audit.record(
        AuditEvent.REFERENCE_CHANGED,
        request=request,
        user=actor,
        obj=robot,
        detail={"change": "robot_added", "community": community.pk, "provider": robot.provider},
    )
    return robot


@transaction.atomic
def do_switch_robot(
    robot: GroupRobot, *, active: bool, actor: User, request: HttpRequest | None
) -> bool:
    """Switch a robot off (its group gets nothing more) or on again; False when it already
    was (a page sent twice changes nothing)."""
    changed = GroupRobot.objects.filter(pk=robot.pk, active=not active).update(active=active)
    if changed:
        robot.active = active
        audit.record(
            AuditEvent.REFERENCE_CHANGED,
            request=request,
            user=actor,
            obj=robot,
            detail={"change": "robot_on" if active else "robot_off"},
        )
    return bool(changed)
