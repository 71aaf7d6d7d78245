"""The data of the cases app, one module per noun.

Every model (and the upload-path callables that old migrations import) is importable from
``cases.models``, as before the split.
"""

from __future__ import annotations

from cases.models.answers import (
    CommonAnswer,
)
from cases.models.case import (
    LIST_FIELDS,
    Case,
    CaseGroupObjectPermission,
    CaseNumberSequence,
    CaseQuerySet,
    CaseUserObjectPermission,
    _permission,
    agreement_effective,
    consultation_invited,
    guard,
    has_answer,
    has_outcome_note,
    is_advice,
    is_dispute,
    joint_opinion_recorded,
    nobody_refuses,
    overdue_cases,
    parties_ready,
    performed,
    reopen_allowed,
)
from cases.models.consultations import (
    ConsultationInvitee,
    ConsultationSlot,
    JointConsultation,
)
from cases.models.dispute_types import (
    DisputeSubtype,
    DisputeSubtypeQuerySet,
)
from cases.models.filings import (
    FilingState,
    ReportFiling,
    StatisticsFiling,
)
from cases.models.follow_ups import (
    FollowUp,
    FollowUpQuerySet,
    FollowUpSetback,
    FollowUpSetbackQuerySet,
)
from cases.models.jobs import (
    BackgroundJob,
    DocumentJob,
    ExportJob,
    document_path,
    export_path,
)
from cases.models.litigation import (
    CourtFilingCount,
    FilingSource,
)
from cases.models.mediation import (
    Advice,
    Agreement,
    Attachment,
    MediationRecord,
    PerformanceItem,
    attachment_path,
)
from cases.models.parties import (
    Party,
    PartyQuerySet,
)
from cases.models.reopenings import (
    CaseReopening,
)
from cases.models.subsidies import (
    OUTCOME_CLASSES,
    FileDefect,
    FileReview,
    FileVerdict,
    SubsidyOutcome,
    SubsidyRule,
    SubsidyStatement,
)
from cases.models.sweeps import (
    Sweep,
    SweepFinding,
    SweepKind,
    SweepQuerySet,
)
from cases.models.timeline import (
    CaseEvent,
)
from cases.models.visits import (
    VisitAssignee,
    VisitNote,
    VisitPhoto,
    VisitRequest,
    VisitRequestQuerySet,
    visit_photo_path,
)

__all__ = [
    "LIST_FIELDS",
    "OUTCOME_CLASSES",
    "Advice",
    "Agreement",
    "Attachment",
    "BackgroundJob",
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseNumberSequence",
    "CaseQuerySet",
    "CaseReopening",
    "CaseUserObjectPermission",
    "CommonAnswer",
    "ConsultationInvitee",
    "ConsultationSlot",
    "CourtFilingCount",
    "DisputeSubtype",
    "DisputeSubtypeQuerySet",
    "DocumentJob",
    "ExportJob",
    "FileDefect",
    "FileReview",
    "FileVerdict",
    "FilingSource",
    "FilingState",
    "FollowUp",
    "FollowUpQuerySet",
    "FollowUpSetback",
    "FollowUpSetbackQuerySet",
    "JointConsultation",
    "MediationRecord",
    "Party",
    "PartyQuerySet",
    "PerformanceItem",
    "ReportFiling",
    "StatisticsFiling",
    "SubsidyOutcome",
    "SubsidyRule",
    "SubsidyStatement",
    "Sweep",
    "SweepFinding",
    "SweepKind",
    "SweepQuerySet",
    "VisitAssignee",
    "VisitNote",
    "VisitPhoto",
    "VisitRequest",
    "VisitRequestQuerySet",
    "_permission",
    "agreement_effective",
    "attachment_path",
    "consultation_invited",
    "document_path",
    "export_path",
    "guard",
    "has_answer",
    "has_outcome_note",
    "is_advice",
    "is_dispute",
    "joint_opinion_recorded",
    "nobody_refuses",
    "overdue_cases",
    "parties_ready",
    "performed",
    "reopen_allowed",
    "visit_photo_path",
]
