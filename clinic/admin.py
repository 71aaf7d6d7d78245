"""Django admin: the reference data district admins keep (regions, committees, clinics, the
holiday calendar), and read-only views of everything else.

What happens to a case, a person or a role happens on the application's pages, whose actions
check the rules and write the timeline and the audit log; the admin can change none of it.
Personal data is masked here as on every page (``clinic.lib.versions.PERSONAL``). Nobody who
holds a role is a superuser: the district admin's role group carries the permissions it needs
(``clinic.apps``); a superuser is made only for emergencies (``manage.py emergency_superuser``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clinic import audit
from clinic.actions import do_delete_holiday, do_save_holiday
from clinic.choices import AuditEvent
from clinic.lib.versions import PERSONAL
from clinic.models import (
    AuditEntry,
    Clinic,
    Community,
    District,
    Grid,
    Holiday,
    MediationCommittee,
    Membership,
    OutboxMessage,
    Street,
    User,
)


def _masked(name: str, description: Any) -> Callable[[Any, Model], str]:
    @admin.display(description=description)
    def show(model_admin: Any, obj: Model) -> str:
        return PERSONAL[name](str(getattr(obj, name, "") or ""))

    return show


class Masked:
    """Admin views show personal data masked, as every page does to who has no need of it:
    a field named in ``PERSONAL`` is shown as ``masked_<name>`` instead."""

    masked_id_number = _masked("id_number", _("ID number"))
    masked_phone = _masked("phone", _("phone"))
    masked_contact_phone = _masked("contact_phone", _("contact phone"))
    masked_resident_phone = _masked("resident_phone", _("resident's phone"))
    masked_responsible_phone = _masked("responsible_phone", _("their phone"))
    masked_address = _masked("address", _("address"))
    masked_room = _masked("room", _("unit and room"))


def shown_fields(model: type[Model], names: Sequence[Any] | None = None) -> list[Any]:
    """The fields a read-only view shows: every stored field (or ``names``) but the keyed
    hashes kept for searching, personal ones masked."""
    if names is None:
        names = [
            field.name
            for field in model._meta.concrete_fields
            if not field.name.endswith("_hash") and not isinstance(field, models.AutoField)
        ]
    return [f"masked_{name}" if name in PERSONAL else name for name in names]


class ReadOnly(Masked):
    """Nothing added, changed or deleted here (no bulk action either): the application's
    pages are where these records change."""

    actions: Any = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """A read-only view of every stored field, personal data masked."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return shown_fields(self.model, self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return shown_fields(self.model, self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)


class ReferenceAdmin(admin.ModelAdmin):
    """Reference data, changed here by whoever the role group lets (district admins add and
    correct, nobody deletes: cases and roles point at it). Each change is in the audit log."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            AuditEvent.REFERENCE_CHANGED,
            request=request,
            obj=obj,
            detail={"added": not change, "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            AuditEvent.REFERENCE_CHANGED, request=request, obj=obj, detail={"deleted": True}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


# --- Reference data -------------------------------------------------------------------------


@admin.register(District)
class DistrictAdmin(ReferenceAdmin):
    list_display = ["name", "city", "code"]


@admin.register(Street)
class StreetAdmin(ReferenceAdmin):
    list_display = ["name", "district", "code"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(ReferenceAdmin):
    list_display = ["name", "street", "code", "households", "population"]
    list_filter = ["street"]
    search_fields = ["name"]


@admin.register(Grid)
class GridAdmin(ReferenceAdmin):
    list_display = ["name", "community", "code"]
    list_filter = ["community__street"]
    search_fields = ["name", "community__name"]


@admin.register(MediationCommittee)
class MediationCommitteeAdmin(ReferenceAdmin):
    list_display = ["name", "code", "kind", "level", "street", "case_prefix", "retention_years"]
    list_filter = ["kind", "street"]


@admin.register(Clinic)
class ClinicAdmin(ReferenceAdmin):
    list_display = ["name", "community", "committee", "slug", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The calendar's days, changed through the same actions as the holidays page: the
    deadlines they move are worked out again and the audit log says who changed what."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    actions = None

    def _may_manage(self, request: HttpRequest) -> bool:
        return request.user.has_perm("clinic.manage_holidays")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        actor = cast(User, request.user)  # the admin site lets nobody else in
        if change and "date" in form.changed_data:
            do_delete_holiday(Holiday.objects.get(pk=obj.pk), actor=actor, request=request)
        holiday, _moved = do_save_holiday(
            day=obj.date,
            kind=obj.kind,
            name=obj.name,
            works_as=obj.works_as,
            actor=actor,
            request=request,
        )
        obj.pk = holiday.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actor = cast(User, request.user)  # the admin site lets nobody else in
        do_delete_holiday(obj, actor=actor, request=request)


# --- Read-only views ------------------------------------------------------------------------


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "level", "district", "street", "community", "grid", "ended_at"]


@admin.register(User)
class PersonAdmin(ReadOnly, UserAdmin):
    """People and their roles change on the people pages (which audit every grant)."""

    list_display = ["username", "display_name", "organisation", "is_active"]
    search_fields = ["username", "display_name", "organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "masked_phone",
                    "organisation",
                    "specialism",
                    "qualification_no",
                ]
            },
        ),
    )
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [name for _label, box in self.get_fieldsets(request, obj) for name in box["fields"]]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log has no change or delete path."""

    list_display = ["at", "username", "roles", "event", "result", "object_type", "object_id", "ip"]
    list_filter = ["event", "result"]
    search_fields = ["username", "object_id", "object_repr", "ip"]
    date_hierarchy = "at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Background tasks and whether the broker has taken them; read-only (the outbox sends
    pending ones by itself once the broker is back)."""

    list_display = ["id", "task", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
