"""Writing the audit log. ``record()`` is called by actions and views; the receivers below
record sign-ins, failures, lockouts and sign-outs, which Django and django-axes announce."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from clinic.access import roles
from clinic.choices import AuditEvent, AuditResult, Role
from clinic.models import AuditEntry, User

#: Object types written by name rather than from a model (``record(object_type=…)`` and the
#: ``access_*`` refusals), in the reader's words.
OBJECT_TYPES = {
    "audit": _("audit log"),
    "cases": _("case-level export"),
    "command": _("management command"),
    "document": _("document"),
    "feed": _("calendar feed"),
    "holidays": _("holiday calendar"),
    "home": _("home page"),
    "people": _("people and roles"),
    "roster": _("roster"),
    "statistics": _("statistics"),
    "transition": _("case step"),
    "two_factor": _("two-step sign-in"),
}
#: Object types that name a model in their own words: the model's verbose name shows.
MODEL_OF_TYPE = {
    "consultation": "jointconsultation",
    "document_job": "documentjob",
    "export": "exportjob",
    "follow_up": "followup",
    "pattern": "weeklypattern",
    "person": "user",
    "photo": "visitphoto",
    "session": "clinicsession",
    "visit": "visitrequest",
}


def object_type_label(object_type: str) -> str:
    """An entry's object type as the reader calls it (the stored key when it is unknown)."""
    if object_type in OBJECT_TYPES:
        return str(OBJECT_TYPES[object_type])
    model_name = MODEL_OF_TYPE.get(object_type, object_type)
    for model in apps.get_models():
        if model._meta.model_name == model_name and model._meta.app_label in (
            "clinic",
            "cases",
            "scheduling",
        ):
            return str(model._meta.verbose_name)
    return object_type


def roles_label(keys: str) -> str:
    """An entry's roles (stored as ``coordinator,mediator``) by their names."""
    names = [str(Role(key).label) if key in Role.values else key for key in keys.split(",") if key]
    return pgettext("between the items of a list", ", ").join(names)


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    event: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    result: str = AuditResult.OK,
    obj: Model | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEntry:
    """Append one entry. ``user`` defaults to the request's signed-in user."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        user=user,
        username=(user.get_username() if user else username)[:150],
        roles=",".join(roles(user)) if user else "",
        event=event,
        result=result,
        object_type=object_type,
        object_id=str(object_id or "")[:50],
        object_repr=str(obj)[:200] if obj is not None else "",
        ip=client_address(request),
        path=request.get_full_path()[:300] if request is not None else "",
        detail=detail or {},
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # A superuser exists only for emergencies (manage.py emergency_superuser): its sign-ins
    # stand out in the log.
    event = AuditEvent.EMERGENCY_LOGIN if user.is_superuser else AuditEvent.LOGIN
    record(event, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: type, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: type, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    record(
        AuditEvent.LOGIN_FAILED,
        request=request,
        user=User.objects.filter(username=username).first(),
        username=username,
        result=AuditResult.FAILED,
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(
    sender: type, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    record(
        AuditEvent.LOCKOUT,
        request=request,
        user=User.objects.filter(username=username).first(),
        username=username,
        result=AuditResult.DENIED,
    )
