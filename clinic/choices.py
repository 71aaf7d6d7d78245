"""Enumerations of the "who and where": roles, region levels, audit events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    JUDGE = "judge", _("Judge")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    POLICE = "police", _("Community police officer")
    LAWYER = "lawyer", _("Lawyer")
    MEDIATOR = "mediator", _("People's mediator")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COORDINATOR = "coordinator", _("Community coordinator")
    STREET_OFFICER = "street_officer", _("Street officer")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


#: Judges, prosecutors, police and lawyers: they book clinic shifts and advise on cases.
PROFESSIONAL_ROLES = frozenset({Role.JUDGE, Role.PROSECUTOR, Role.POLICE, Role.LAWYER})

#: The order in which a person holding several roles sees their home pages.
ROLE_PRIORITY = [
    Role.DISTRICT_ADMIN,
    Role.STREET_OFFICER,
    Role.COORDINATOR,
    Role.MEDIATOR,
    Role.JUDGE,
    Role.PROSECUTOR,
    Role.POLICE,
    Role.LAWYER,
    Role.GRID_WORKER,
]


class Level(models.TextChoices):
    """How far a membership reaches."""

    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


#: Which region levels each role may be granted at.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.DISTRICT_ADMIN: (Level.DISTRICT,),
    Role.STREET_OFFICER: (Level.STREET,),
    Role.COORDINATOR: (Level.COMMUNITY,),
    Role.GRID_WORKER: (Level.GRID,),
    Role.MEDIATOR: (Level.COMMUNITY, Level.STREET),
    Role.JUDGE: (Level.COMMUNITY, Level.STREET),
    Role.PROSECUTOR: (Level.COMMUNITY, Level.STREET),
    Role.POLICE: (Level.COMMUNITY, Level.STREET),
    Role.LAWYER: (Level.COMMUNITY, Level.STREET),
}


class CommitteeLevel(models.TextChoices):
    COMMUNITY = "community", _("Community committee")
    STREET = "street", _("Street committee")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Make-up working day")


class AuditEvent(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Signed out")
    DENIED = "denied", _("Access denied")
    VIEW = "view", _("Viewed")
    REVEAL = "reveal", _("Revealed personal data")
    DOWNLOAD = "download", _("Downloaded")
    EXPORT = "export", _("Exported")
    PERSON_CHANGED = "person_changed", _("Person changed")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_ENDED = "role_ended", _("Role ended")
    HOLIDAY_CHANGED = "holiday_changed", _("Holiday calendar changed")
    VISIT_SCHEDULED = "visit_scheduled", _("Home visit scheduled")
    VISIT_CANCELLED = "visit_cancelled", _("Home visit cancelled")
    LOOKUP = "lookup", _("Looked up a resident")
    CHECK_OUT_UNDONE = "check_out_undone", _("Check-out undone")
    COMMAND = "command", _("Ran a management command")
    EMERGENCY_LOGIN = "emergency_login", _("Emergency administrator signed in")
    REFERENCE_CHANGED = "reference_changed", _("Reference data changed")
    COURT_IMPORTED = "court_imported", _("Court figures imported")
    COURT_ENTERED = "court_entered", _("Court figures entered")
    REPORT_FILED = "report_filed", _("Committee report filed")
    REPORT_APPROVED = "report_approved", _("Committee report approved")
    REPORT_RETURNED = "report_returned", _("Committee report returned")
    REPORT_REPORTED = "report_reported", _("Committee report reported upward")
    SUBSIDY_RULE_CHANGED = "subsidy_rule_changed", _("Subsidy rule changed")
    FILE_REVIEWED = "file_reviewed", _("Case file reviewed")
    SUBSIDY_APPROVED = "subsidy_approved", _("Subsidy statement approved")


class AuditResult(models.TextChoices):
    OK = "ok", _("Succeeded")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


# --- The committee as an organisation (issue 22) -------------------------------------------


class CommitteeKind(models.TextChoices):
    """调委会类型, the official report's organisation table. Only the first two hold cases here
    (``CommitteeLevel``); the others are listed for the table."""

    VILLAGE = "village", _("Village or residents' committee")
    TOWNSHIP = "township", _("Township or street")
    ENTERPRISE = "enterprise", _("Enterprise or institution")
    PROFESSIONAL = "professional", _("Trade or professional")
    STATIONED = "stationed", _("Stationed")
    STUDIO = "studio", _("Personal mediation studio")


#: The kinds of committee that hold cases (community and street committees).
CASE_HOLDING_KINDS = (CommitteeKind.VILLAGE, CommitteeKind.TOWNSHIP)


class CommitteeField(models.TextChoices):
    """The field of a trade or professional committee (行业专业)."""

    MEDICAL = "medical", _("Medical")
    TRAFFIC = "traffic", _("Road traffic")
    PROPERTY = "property", _("Property management")
    LABOUR = "labour", _("Labour")
    FAMILY = "family", _("Marriage and family")
    CONSUMER = "consumer", _("Consumer")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


class CommitteePosition(models.TextChoices):
    DIRECTOR = "director", _("Director")
    DEPUTY = "deputy", _("Deputy director")
    MEMBER = "member", _("Committee member")
    MEDIATOR = "mediator", _("Mediator")


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")


class SealedDocument(models.TextChoices):
    """What a committee's seal was put on (用印登记)."""

    AGREEMENT = "agreement", _("Mediation agreement")
    ORAL_AGREEMENT = "oral_agreement", _("Oral agreement register")
    CERTIFICATE = "certificate", _("Certificate of mediation")
    CONFIRMATION = "confirmation", _("Judicial confirmation papers")
    NOTICE = "notice", _("Notice to parties")
    LETTER = "letter", _("Letter or certificate")
    REPORT = "report", _("Report or statistics")
    OTHER = "other", _("Other")
