"""People for the web benchmarks: a signed-in session without going through the sign-in
form (no password hashing in the measurement), with as many case grants as asked."""

from __future__ import annotations

from typing import Any


def bench_user(username: str, role: str, *, community: Any = None, street: Any = None) -> Any:
    from clinic.models import Membership, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"display_name": username}
    )
    level = "community" if community is not None else "street"
    region = community if community is not None else street
    if not Membership.objects.filter(user=user, role=role).exists():
        Membership.objects.create(
            user=user,
            role=role,
            level=level,
            district=region.street.district if community is not None else region.district,
            street=region.street if community is not None else region,
            community=community,
        )
    from clinic.access import forget_memberships

    forget_memberships(user)
    return user


def grant_views(user: Any, count: int) -> None:
    """Exactly ``count`` guardian "view_case" grants, on cases of other communities."""
    from django.contrib.auth.models import Permission

    from cases.models import Case, CaseUserObjectPermission

    permission = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    CaseUserObjectPermission.objects.filter(user=user).delete()
    own = user.memberships.values("community_id")
    cases = Case.objects.exclude(community_id__in=own).order_by("pk").values_list("pk", flat=True)
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=user, permission=permission, content_object_id=pk)
        for pk in cases[:count]
    )


def session_cookie(user: Any) -> str:
    """A session of ``user``, as the sign-in would leave it; returns the cookie value."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
