"""Django admin for case data: read-only views, personal data masked, with the field history
of django-simple-history to look at but never to revert.

A case, its parties, agreements, records, follow-ups, visits, consultations, timeline and
uploads change only on the case pages, whose actions keep the rules (an archived case is
read-only, a signed agreement is not edited under its parties) and write the timeline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    FollowUp,
    JointConsultation,
    MediationRecord,
    Party,
    VisitRequest,
)
from clinic.admin import ReadOnly, ReadOnlyAdmin, ReadOnlyInline, shown_fields


def _visible(request: HttpRequest, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
    """Only the cases the person may see on the case pages (an emergency superuser sees
    all)."""
    if request.user.is_superuser:
        return queryset
    cases = Case.objects.visible_to(request.user).values("pk")
    return queryset.filter(**{f"{path}__in": cases})


class CaseDataAdmin(ReadOnlyAdmin):
    """A read-only view of one kind of case data, limited to the cases one may see."""

    case_path = "case"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _visible(request, super().get_queryset(request), self.case_path)


class HistoryAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only with the field history to look at: simple-history's revert is switched off
    (``SIMPLE_HISTORY_REVERT_DISABLED`` hides the button; a revert posted anyway is refused,
    as the history form would otherwise save the old version whatever the form holds)."""

    case_path = "case"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return shown_fields(self.model, self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _visible(request, super().get_queryset(request), self.case_path)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["side", "name", "gender", "id_type", "id_number", "phone", "address", "room"]


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "actor", "kind", "from_state", "to_state", "note"]


@admin.register(Case)
class CaseAdmin(HistoryAdmin):
    """States change only through the case pages (their actions write the timeline)."""

    case_path = "pk"
    list_display = ["__str__", "kind", "state", "level", "community", "mediator", "registered_at"]
    list_filter = ["kind", "state", "level", "dispute_type", "street"]
    search_fields = ["number", "parties__name"]
    inlines = [PartyInline, EventInline]


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["name", "side", "case"]
    search_fields = ["name"]


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = ["case", "form", "version", "signed_on", "confirmation"]


@admin.register(MediationRecord)
class MediationRecordAdmin(CaseDataAdmin):
    list_display = ["case", "held_at", "place", "recorded_by"]


@admin.register(FollowUp)
class FollowUpAdmin(CaseDataAdmin):
    list_display = ["case", "due_on", "assignee", "done_at"]


@admin.register(JointConsultation)
class JointConsultationAdmin(CaseDataAdmin):
    list_display = ["case", "convened_by", "convened_at", "concluded_at"]


@admin.register(CaseEvent)
class CaseEventAdmin(CaseDataAdmin):
    list_display = ["at", "case", "actor", "kind", "from_state", "to_state"]
    list_filter = ["kind"]


@admin.register(Attachment)
class AttachmentAdmin(CaseDataAdmin):
    """What was uploaded, not the file: documents are fetched on the case pages, where each
    download is recorded."""

    list_display = ["case", "kind", "original_name", "uploaded_by", "uploaded_at", "withdrawn_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [name for name in super().get_fields(request, obj) if name != "file"]


@admin.register(VisitRequest)
class VisitRequestAdmin(ReadOnlyAdmin):
    """Home visits belong to a grid, not a case: shown only to an emergency superuser (no
    role's group may view them here)."""

    list_display = ["reference", "community", "grid", "requested_by", "created_at"]
