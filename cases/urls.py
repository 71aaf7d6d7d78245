from __future__ import annotations

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.register_dispute, name="register"),
    path("advice/", views.log_advice, name="advice"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_case, name="edit"),
    path("<int:pk>/escalate/", views.escalate_case, name="escalate"),
    path("<int:pk>/refer-out/", views.refer_out, name="refer_out"),
    path("<int:pk>/extend/", views.extend_deadline, name="extend"),
    path("<int:pk>/assign/", views.assign_case, name="assign"),
    path(
        "<int:pk>/assign/<int:user_pk>/remove/",
        views.remove_professional,
        name="remove_professional",
    ),
    path("<int:pk>/recuse/", views.recuse_mediator, name="recuse"),
    path("<int:pk>/parties/add/", views.add_party, name="add_party"),
    path("<int:pk>/records/add/", views.add_record, name="add_record"),
    path("<int:pk>/agreements/add/", views.new_agreement, name="new_agreement"),
    path("<int:pk>/advice/add/", views.add_advice, name="add_advice"),
    path("<int:pk>/files/add/", views.upload_attachment, name="upload"),
    path("<int:pk>/step/<str:name>/", views.fire_transition, name="transition"),
    path("<int:pk>/documents/<str:kind>.pdf", views.document, name="document"),
    path("<int:pk>/casefile/", views.request_case_file, name="request_case_file"),
    path("<int:pk>/archive/", views.archive_case, name="archive"),
    path("documents/<uuid:job_id>/", views.document_job, name="document_job"),
    path(
        "documents/<uuid:job_id>/download/",
        views.download_document_job,
        name="download_document_job",
    ),
    path("parties/<int:pk>/", views.edit_party, name="edit_party"),
    path("parties/<int:pk>/consent/", views.party_consent, name="party_consent"),
    path("parties/<int:pk>/refusal/", views.party_refusal, name="party_refusal"),
    path("parties/<int:pk>/reveal/", views.reveal_party, name="reveal_party"),
    path("agreements/<int:pk>/edit/", views.edit_agreement, name="edit_agreement"),
    path("agreements/<int:pk>/sign/", views.sign_agreement, name="sign_agreement"),
    path("agreements/<int:pk>/correct/", views.correct_agreement, name="correct_agreement"),
    path("agreements/<int:pk>/items/add/", views.add_performance_item, name="add_item"),
    path("agreements/<int:pk>/confirmation/", views.update_confirmation, name="confirmation"),
    path("files/<int:pk>/", views.download_attachment, name="attachment"),
    path("follow-ups/<int:pk>/", views.record_follow_up, name="follow_up"),
    path("people/<int:user_pk>/reassign/", views.reassign_person, name="reassign"),
    path("follow-ups/<int:pk>/plan/", views.schedule_follow_up, name="schedule_follow_up"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("visits/", views.visit_board, name="visit_board"),
    path("visits/new/", views.request_visit, name="request_visit"),
    path("visits/mine/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/schedule/", views.schedule_visit, name="schedule_visit"),
    path("visits/<int:pk>/cancel/", views.cancel_visit, name="cancel_visit"),
    path("visits/<int:pk>/outcome/", views.visit_outcome, name="visit_outcome"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]
