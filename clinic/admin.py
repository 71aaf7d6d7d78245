"""Django admin: regions and clinics for district admins; the audit log read-only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

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


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["role", "level", "district", "street", "community", "grid", "ended_at"]
    autocomplete_fields = ["street", "community", "grid"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "display_name", "organisation", "is_active"]
    search_fields = ["username", "display_name", "organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Profile",
            {"fields": ["display_name", "phone", "organisation", "specialism", "qualification_no"]},
        ),
    )
    inlines = [MembershipInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "code"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "code"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "code", "households", "population"]
    list_filter = ["street"]
    search_fields = ["name"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "code"]
    list_filter = ["community__street"]
    search_fields = ["name", "community__name"]


@admin.register(MediationCommittee)
class MediationCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "street", "case_prefix"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "committee", "slug", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log has no change or delete path."""

    list_display = ["at", "username", "roles", "event", "result", "object_type", "object_id", "ip"]
    list_filter = ["event", "result"]
    search_fields = ["username", "object_id", "object_repr", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Background tasks and whether the broker has taken them; read-only (the outbox sends
    pending ones by itself once the broker is back)."""

    list_display = ["id", "task", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["task", "args", "created_at", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
