"""Django admin for cases: read-mostly, with field history (django-simple-history)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Agreement, Case, CaseEvent, Party


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = readonly_fields = ("side", "name", "gender", "address")
    can_delete = False


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = readonly_fields = ("at", "actor", "kind", "from_state", "to_state", "note")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """States change only through the case pages (their actions write the timeline)."""

    list_display = ["__str__", "kind", "state", "level", "community", "mediator", "registered_at"]
    list_filter = ["kind", "state", "level", "dispute_type", "street"]
    search_fields = ["number", "parties__name"]
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [PartyInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "side", "case"]
    search_fields = ["name"]
    readonly_fields = [f.name for f in Party._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["case", "form", "version", "signed_on", "confirmation"]
    readonly_fields = [f.name for f in Agreement._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
