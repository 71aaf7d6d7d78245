"""Every change to people, roles, holidays and notifications: one ``do_*`` function each.

They run in a transaction, trust their caller to have authorised and validated, write the
audit log, and leave email to ``transaction.on_commit``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

import holidays as holidays_package
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import audit
from clinic.access import AuthenticatedHttpRequest, forget_memberships, level_of
from clinic.choices import AuditEvent, AuditResult, DayKind, Role
from clinic.lib.versions import bump
from clinic.models import (
    Community,
    District,
    Grid,
    Holiday,
    HolidayYear,
    Membership,
    Notification,
    Street,
    User,
)

# --- Roles and groups -----------------------------------------------------------------------


def role_permissions() -> dict[str, set[str]]:
    """Model permissions per role, gathered from each app's ``role_permissions`` (an app
    config attribute: ``{role: ["app_label.codename", ...]}``)."""
    merged: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            merged[role].update(perms)
    return merged


def do_sync_role_groups() -> None:
    """Create one Django group per role holding that role's model permissions."""
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def _sync_user_groups(user: User) -> None:
    active_roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    user.groups.set(Group.objects.filter(name__in=active_roles))
    # District admins read the audit log and edit regions in the Django admin.
    is_staff = user.is_superuser or Role.DISTRICT_ADMIN in active_roles
    if user.is_staff != is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=is_staff)
        user.is_staff = is_staff
    forget_memberships(user)
    # Permissions are cached on the user object too.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def _region_fields(region: District | Street | Community | Grid) -> dict[str, object]:
    level = level_of(region)
    if isinstance(region, District):
        return {"level": level, "district": region}
    if isinstance(region, Street):
        return {"level": level, "district": region.district, "street": region}
    if isinstance(region, Community):
        return {
            "level": level,
            "district": region.street.district,
            "street": region.street,
            "community": region,
        }
    community = region.community
    return {
        "level": level,
        "district": community.street.district,
        "street": community.street,
        "community": community,
        "grid": region,
    }


@transaction.atomic
def do_grant_role(
    user: User,
    *,
    role: str,
    region: District | Street | Community | Grid,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Membership:
    """Give ``user`` a role in a region (idempotent: an identical active role is kept)."""
    fields = _region_fields(region)
    # Lock the person's row: two managers granting the same role at once create one row.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = Membership.objects.active().filter(user=user, role=role, **fields).first()
    if existing:
        return existing
    membership = Membership.objects.create(user=user, role=role, granted_by=actor, **fields)
    _sync_user_groups(user)
    audit.record(
        AuditEvent.ROLE_GRANTED,
        request=request,
        user=actor,
        obj=user,
        detail={"role": role, "level": fields["level"], "region": str(region)},
    )
    for config in apps.get_app_configs():  # e.g. cases: a street mediator's escalated cases
        hook = getattr(config, "on_role_granted", None)
        if hook:
            import_string(hook)(membership, actor=actor)
    return membership


@transaction.atomic
def do_end_role(
    membership: Membership,
    *,
    actor: User | None,
    reason: str = "",
    claim: Callable[[Membership], None] | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """End a role. Returns False when someone else ended it first (nothing changes). With
    the ``claim`` of the form the person sent, a role changed since the page showed it raises
    ``Stale``; ended without one, its open forms go stale."""
    if claim is not None:
        claim(membership)
    ended = Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(),
        ended_by=actor,
        end_reason=reason[:200],
        row_version=F("row_version") + 1,
    )
    if not ended:
        return False
    membership.refresh_from_db()
    _sync_user_groups(membership.user)
    for config in apps.get_app_configs():
        hook = getattr(config, "on_role_ended", None)
        if hook:
            import_string(hook)(membership, actor=actor)
    audit.record(
        AuditEvent.ROLE_ENDED,
        request=request,
        user=actor,
        obj=membership.user,
        detail={
            "role": membership.role,
            "region": str(membership.region),
            "reason": reason,
        },
    )
    return True


# --- People ---------------------------------------------------------------------------------


@transaction.atomic
def do_create_person(
    *,
    username: str,
    password: str,
    display_name: str,
    actor: User | None,
    role: str | None = None,
    region: District | Street | Community | Grid | None = None,
    request: HttpRequest | None = None,
    **profile: str,
) -> User:
    """Add a person, optionally with a first role."""
    user = User(username=username, display_name=display_name, **profile)
    user.set_password(password)
    user.save()
    audit.record(
        AuditEvent.PERSON_CHANGED,
        request=request,
        user=actor,
        obj=user,
        detail={"change": "created"},
    )
    if role and region is not None:
        do_grant_role(user, role=role, region=region, actor=actor, request=request)
    return user


@transaction.atomic
def do_update_person(
    person: User,
    *,
    actor: User,
    changes: dict[str, object],
    claim: Callable[[User], None] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Save profile changes that the caller's form validated; with the form's ``claim``, a
    person changed since the form was shown raises ``Stale``."""
    (claim or bump)(person)
    changed = {}
    for field, value in changes.items():
        if getattr(person, field) != value:
            changed[field] = [str(getattr(person, field)), str(value)]
            setattr(person, field, value)
    if not changed:
        return
    person.save(update_fields=list(changed))
    audit.record(
        AuditEvent.PERSON_CHANGED,
        request=request,
        user=actor,
        obj=person,
        detail={"change": "profile", "fields": sorted(changed)},
    )


@transaction.atomic
def do_deactivate_person(
    person: User,
    *,
    actor: User,
    reason: str,
    claim: Callable[[User], None] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Sign a person out of the system for good: the account is disabled and every active
    role ends. Their history stays. With the ``claim`` of the form sent, a person changed
    since the page showed them raises ``Stale``."""
    (claim or bump)(person)
    for membership in Membership.objects.active().filter(user=person):
        do_end_role(membership, actor=actor, reason=reason, request=request)
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.is_active = False
    audit.record(
        AuditEvent.PERSON_CHANGED,
        request=request,
        user=actor,
        obj=person,
        detail={"change": "deactivated", "reason": reason},
    )


@transaction.atomic
def do_reactivate_person(person: User, *, actor: User, request: HttpRequest | None = None) -> None:
    bump(person)
    User.objects.filter(pk=person.pk).update(is_active=True)
    person.is_active = True
    audit.record(
        AuditEvent.PERSON_CHANGED,
        request=request,
        user=actor,
        obj=person,
        detail={"change": "reactivated"},
    )


# --- Holidays -------------------------------------------------------------------------------


def package_calendar(years: Iterable[int]) -> list[tuple[date, str, str, int | None]]:
    """Public holidays and make-up working days for these years, from the ``holidays``
    package's schedule for mainland China: ``(date, kind, name, works as weekday)``. A make-up
    day works as the weekday of the day off it was swapped for."""
    years = list(years)
    rows: list[tuple[date, str, str, int | None]] = []
    cn = holidays_package.China(years=years, language="zh_CN")
    swaps: dict[date, int] = {}
    for day, name in holidays_package.China(years=years, language="en_US").items():
        found = re.search(r"substituted from (\d\d)/(\d\d)/(\d{4})", name)
        if found:
            month, dom, year = (int(g) for g in found.groups())
            swaps[date(year, month, dom)] = day.weekday()
    for day, name in sorted(cn.items()):
        if day.weekday() < 5:
            rows.append((day, DayKind.HOLIDAY, name[:50], None))
    with translation.override("zh-hans"):
        label = str(_("Make-up working day"))
    for day in sorted(cn.weekend_workdays):
        if day.year in set(years):
            rows.append((day, DayKind.WORKDAY, label, swaps.get(day)))
    return rows


def package_official_years(years: Iterable[int]) -> set[int]:
    """The years for which the ``holidays`` package carries the State Council's published
    schedule (its 调休 and extended days); for any other year it only estimates the statutory
    days off."""
    from holidays.countries.china import ChinaStaticHolidays  # noqa: PLC0415  heavy: ~0.2 s

    published = getattr(ChinaStaticHolidays, "special_public_holidays", {})
    return {year for year in years if year in published}


def calendar_changed(years: Iterable[int], *, actor: User | None) -> int:
    """Tell the apps that the working-day calendar of these years changed (each app's
    ``on_calendar_changed``: case deadlines are worked out again). Returns how many deadlines
    moved."""
    moved = 0
    for config in apps.get_app_configs():
        hook = getattr(config, "on_calendar_changed", None)
        if hook:
            moved += import_string(hook)(sorted(set(years)), actor=actor)
    return moved


@transaction.atomic
def do_import_holidays(years: Iterable[int], *, actor: User | None = None) -> int:
    """Add the package's holidays and make-up days for these years. Days already in the
    calendar (perhaps corrected by hand) are left alone. A year the package has the published
    schedule of is marked official; any other stays provisional. Returns how many days were
    added."""
    years = sorted(set(years))
    added = 0
    for day, kind, name, works_as in package_calendar(years):
        _, created = Holiday.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "works_as": works_as}
        )
        added += created
    published = package_official_years(years)
    now_official = []
    for year in years:
        entry, _created = HolidayYear.objects.get_or_create(year=year)
        if year in published and not entry.official:
            HolidayYear.objects.filter(pk=entry.pk).update(
                official=True, confirmed_at=timezone.now()
            )
            now_official.append(year)
    if added or now_official:
        calendar_changed(years, actor=actor)
    if (added or now_official) and actor is not None:
        audit.record(
            AuditEvent.HOLIDAY_CHANGED,
            user=actor,
            detail={"imported": added, "years": years, "official": now_official},
        )
    return added


@transaction.atomic
def do_save_holiday(
    *,
    day: date,
    kind: str,
    name: str,
    actor: User,
    works_as: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[Holiday, int]:
    """Add or correct a day; the open deadlines it moves are worked out again. Returns the day
    and how many deadlines moved."""
    holiday, _ = Holiday.objects.update_or_create(
        date=day, defaults={"kind": kind, "name": name, "works_as": works_as}
    )
    audit.record(
        AuditEvent.HOLIDAY_CHANGED,
        request=request,
        user=actor,
        obj=holiday,
        detail={"date": day.isoformat(), "kind": kind, "name": name},
    )
    return holiday, calendar_changed([day.year], actor=actor)


@transaction.atomic
def do_delete_holiday(holiday: Holiday, *, actor: User, request: HttpRequest | None = None) -> int:
    """Remove a day; returns how many open deadlines moved."""
    audit.record(
        AuditEvent.HOLIDAY_CHANGED,
        request=request,
        user=actor,
        obj=holiday,
        detail={"date": holiday.date.isoformat(), "deleted": True},
    )
    year = holiday.date.year
    holiday.delete()
    return calendar_changed([year], actor=actor)


@transaction.atomic
def do_confirm_holiday_year(
    year: int, *, actor: User, official: bool = True, request: HttpRequest | None = None
) -> int:
    """The year's days off as entered are the State Council's schedule (or, ``official=False``,
    an estimate again): its deadlines stop (or start) being shown as provisional and are worked
    out again. Returns how many moved."""
    entry, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
    entry.official = official
    entry.confirmed_by = actor if official else None
    entry.confirmed_at = timezone.now() if official else None
    entry.save()
    audit.record(
        AuditEvent.HOLIDAY_CHANGED,
        request=request,
        user=actor,
        obj=entry,
        detail={"year": year, "official": official},
    )
    return calendar_changed([year], actor=actor)


# --- Notifications --------------------------------------------------------------------------


def do_notify(
    users: Iterable[User], *, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """A message whose words the sender already wrote (``clinic.message``), posted through
    ``clinic.notify.notify``. Senders declare their own notices instead, which reach each
    person in their own language; this stays for what has not moved yet."""
    from clinic.notify.dispatch import notify  # noqa: PLC0415

    return notify(
        "clinic.message",
        {"title": str(title)[:200], "body": str(body)},
        users,
        key=key,
        url=url,
    )


def do_mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.unread().filter(user=user)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


# --- Two-factor sign-in ---------------------------------------------------------------------


def pending_totp_device(user: User) -> TOTPDevice:
    """The person's one-time-code device being set up (a new secret until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def do_confirm_totp_device(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Turn the device on once it produced a right code; the session counts as verified."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        type(device).objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            AuditEvent.PERSON_CHANGED,
            request=request,
            obj=device.user,
            detail={"two_factor": "enabled"},
        )
    otp_login(request, device)
    return True


def do_verify_second_factor(request: AuthenticatedHttpRequest, code: str) -> bool:
    device = match_token(request.user, code)
    if device is None:
        audit.record(
            AuditEvent.LOGIN_FAILED,
            request=request,
            result=AuditResult.FAILED,
            obj=request.user,
            detail={"second_factor": True},
        )
        return False
    otp_login(request, device)
    return True
