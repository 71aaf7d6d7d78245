from __future__ import annotations

from django.urls import path

from cases.consultations.views import consultation
from cases.documents.views import (
    archive_case,
    document,
    document_job,
    download_document_job,
    request_case_file,
)
from cases.follow_ups.views import record_follow_up, schedule_follow_up
from cases.intake.views import (
    add_party,
    edit_party,
    log_advice,
    party_consent,
    party_refusal,
    register_dispute,
    reveal_party,
)
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
)
from cases.statistics.views import (
    download_export_job,
    export_job,
    file_report,
    request_case_export,
    statistics_export,
    statistics_page,
)
from cases.views import (
    assign_case,
    case_detail,
    case_list,
    edit_case,
    fire_transition,
    reassign_person,
    recuse_mediator,
    remove_professional,
)
from cases.visits.views import (
    cancel_visit,
    my_visits,
    request_visit,
    schedule_visit,
    visit_board,
    visit_detail,
    visit_outcome,
    visit_photo,
)

app_name = "cases"

urlpatterns = [
    path("", case_list, name="case_list"),
    path("new/", register_dispute, name="register_dispute"),
    path("advice/", log_advice, name="log_advice"),
    path("<int:pk>/", case_detail, name="case_detail"),
    path("<int:pk>/edit/", edit_case, name="edit_case"),
    path("<int:pk>/escalate/", escalate_case, name="escalate_case"),
    path("<int:pk>/refer-out/", refer_out, name="refer_out"),
    path("<int:pk>/extend/", extend_deadline, name="extend_deadline"),
    path("<int:pk>/assign/", assign_case, name="assign_case"),
    path(
        "<int:pk>/assign/<int:user_pk>/remove/",
        remove_professional,
        name="remove_professional",
    ),
    path("<int:pk>/recuse/", recuse_mediator, name="recuse_mediator"),
    path("<int:pk>/parties/add/", add_party, name="add_party"),
    path("<int:pk>/records/add/", add_record, name="add_record"),
    path("<int:pk>/agreements/add/", new_agreement, name="new_agreement"),
    path("<int:pk>/advice/add/", add_advice, name="add_advice"),
    path("<int:pk>/files/add/", upload_attachment, name="upload_attachment"),
    path("<int:pk>/step/<str:name>/", fire_transition, name="fire_transition"),
    path("<int:pk>/documents/<str:kind>.pdf", document, name="document"),
    path("<int:pk>/casefile/", request_case_file, name="request_case_file"),
    path("<int:pk>/archive/", archive_case, name="archive_case"),
    path("documents/<uuid:job_id>/", document_job, name="document_job"),
    path(
        "documents/<uuid:job_id>/download/",
        download_document_job,
        name="download_document_job",
    ),
    path("parties/<int:pk>/", edit_party, name="edit_party"),
    path("parties/<int:pk>/consent/", party_consent, name="party_consent"),
    path("parties/<int:pk>/refusal/", party_refusal, name="party_refusal"),
    path("parties/<int:pk>/reveal/", reveal_party, name="reveal_party"),
    path("agreements/<int:pk>/edit/", edit_agreement, name="edit_agreement"),
    path("agreements/<int:pk>/sign/", sign_agreement, name="sign_agreement"),
    path("agreements/<int:pk>/correct/", correct_agreement, name="correct_agreement"),
    path("agreements/<int:pk>/items/add/", add_performance_item, name="add_performance_item"),
    path("agreements/<int:pk>/confirmation/", update_confirmation, name="update_confirmation"),
    path("files/<int:pk>/", download_attachment, name="download_attachment"),
    path("follow-ups/<int:pk>/", record_follow_up, name="record_follow_up"),
    path("people/<int:user_pk>/reassign/", reassign_person, name="reassign_person"),
    path("follow-ups/<int:pk>/plan/", schedule_follow_up, name="schedule_follow_up"),
    path("consultations/<int:pk>/", consultation, name="consultation"),
    path("statistics/", statistics_page, name="statistics_page"),
    path("statistics/export.<str:fmt>", statistics_export, name="statistics_export"),
    path("statistics/file/", file_report, name="file_report"),
    path("statistics/cases/", request_case_export, name="request_case_export"),
    path("exports/<uuid:job_id>/", export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", download_export_job, name="download_export_job"),
    path("visits/", visit_board, name="visit_board"),
    path("visits/new/", request_visit, name="request_visit"),
    path("visits/mine/", my_visits, name="my_visits"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/schedule/", schedule_visit, name="schedule_visit"),
    path("visits/<int:pk>/cancel/", cancel_visit, name="cancel_visit"),
    path("visits/<int:pk>/outcome/", visit_outcome, name="visit_outcome"),
    path("visits/photos/<int:pk>/", visit_photo, name="visit_photo"),
]
