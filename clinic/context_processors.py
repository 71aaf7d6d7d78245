"""What every page's navigation needs: the viewer's roles and unread count (both usually
without a query: the memberships are cached, the count is kept on the person's row)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from clinic import access
from clinic.choices import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = access.roles(user)
    return {
        "nav_roles": [(role, Role(role).label) for role in held],
        "nav_is": {role: True for role in held},
        "nav_can_manage_people": access.can_manage_people(user),
        "nav_sees_cases": any(role != Role.GRID_WORKER for role in held),
        "nav_roster": any(role != Role.GRID_WORKER for role in held),
        "nav_unread": user.unread_notifications,
    }


def security(request: HttpRequest) -> dict[str, Any]:
    """The page's CSP nonce (django-csp) for script tags, also read by ``{% htmx_script %}``."""
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "two_factor_on": settings.TWO_FACTOR,
    }
