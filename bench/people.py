"""People for the web benchmarks: a signed-in session without going through the sign-in
form (no password hashing in the measurement), with as many case grants as asked."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore

from cases.models import Case, CaseUserObjectPermission
from clinic.access import forget_memberships
from clinic.models import Community, Membership, Street, User


def bench_user(
    username: str, role: str, *, community: Community | None = None, street: Street | None = None
) -> User:
    """A person holding ``role`` in ``community`` or, without one, in ``street``."""
    if community is not None:
        level, street = "community", community.street
    elif street is not None:
        level = "street"
    else:
        raise ValueError("bench_user needs a community or a street")
    user, _created = User.objects.get_or_create(
        username=username, defaults={"display_name": username}
    )
    if not Membership.objects.filter(user=user, role=role).exists():
        Membership.objects.create(
            user=user,
            role=role,
            level=level,
            district=street.district,
            street=street,
            community=community,
        )
    forget_memberships(user)
    return user


def grant_views(user: User, count: int) -> None:
    """Exactly ``count`` guardian "view_case" grants, on cases of other communities."""
    permission = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    CaseUserObjectPermission.objects.filter(user=user).delete()
    own = user.memberships.values("community_id")
    cases = Case.objects.exclude(community_id__in=own).order_by("pk").values_list("pk", flat=True)
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=user, permission=permission, content_object_id=pk)
        for pk in cases[:count]
    )


def session_cookie(user: User) -> str:
    """A session of ``user``, as the sign-in would leave it; returns the cookie value."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    if session.session_key is None:
        raise RuntimeError("the session was not saved")
    return session.session_key
