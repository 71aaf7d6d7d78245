"""The mediation pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.mediation.views import (
    add_advice,
    add_performance_item,
    add_record,
    correct_agreement,
    download_attachment,
    edit_agreement,
    escalate_case,
    extend_deadline,
    new_agreement,
    refer_out,
    sign_agreement,
    update_confirmation,
    upload_attachment,
    withdraw_attachment,
)

urlpatterns: list[URLPattern] = [
    path("<int:pk>/escalate/", escalate_case, name="escalate_case"),
    path("<int:pk>/refer-out/", refer_out, name="refer_out"),
    path("<int:pk>/extend/", extend_deadline, name="extend_deadline"),
    path("<int:pk>/records/add/", add_record, name="add_record"),
    path("<int:pk>/agreements/add/", new_agreement, name="new_agreement"),
    path("<int:pk>/advice/add/", add_advice, name="add_advice"),
    path("<int:pk>/files/add/", upload_attachment, name="upload_attachment"),
    path("agreements/<int:pk>/edit/", edit_agreement, name="edit_agreement"),
    path("agreements/<int:pk>/sign/", sign_agreement, name="sign_agreement"),
    path("agreements/<int:pk>/correct/", correct_agreement, name="correct_agreement"),
    path("agreements/<int:pk>/items/add/", add_performance_item, name="add_performance_item"),
    path("agreements/<int:pk>/confirmation/", update_confirmation, name="update_confirmation"),
    path("files/<int:pk>/", download_attachment, name="download_attachment"),
    path("files/<int:pk>/withdraw/", withdraw_attachment, name="withdraw_attachment"),
]
