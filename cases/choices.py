"""Enumerations of the case domain: states, kinds, the official statistics' categories."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SIT_IN = "sit_in", _("Sit-in")
    PATROL = "patrol", _("Patrol")
    JOINT_CONSULTATION = "joint_consultation", _("Joint consultation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


#: States in which mediation is under way (the "modes").
ACTIVE_STATES = (State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION)
OPEN_STATES = (State.REGISTERED, *ACTIVE_STATES, State.FOLLOW_UP)


class Kind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    ADVICE = "advice", _("Legal advice")


class Level(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    REFERRED_OUT = "referred_out", _("Referred out")


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    GRID_REFERRAL = "grid_referral", _("Grid worker referral")
    OWN_INITIATIVE = "own_initiative", _("Own initiative")
    POLICE = "police", _("Police transfer")
    # The court's two referrals (the ministry reports court-referred mediation apart): the
    # pre-filing delegation (委派, 诉前) keeps the stored value "court" that every court referral
    # had before the two were told apart, since community committees are referred disputes
    # before filing far more often than cases already filed (docs/report-figures.md).
    COURT = "court", _("Court delegation (pre-filing)")
    COURT_ENTRUSTED = "court_entrusted", _("Court entrustment (after filing)")
    PETITIONS = "petitions", _("Petitions office transfer")
    GOVERNMENT = "government", _("Government assignment")
    ONLINE = "online", _("Online")


class DisputeType(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family")
    NEIGHBOUR = "neighbour", _("Neighbours")
    HOUSING_LAND = "housing_land", _("Housing and homesteads")
    CONTRACT = "contract", _("Contracts")
    BUSINESS = "business", _("Production and business")
    DAMAGES = "damages", _("Compensation for damage")
    FOREST_LAND = "forest_land", _("Forests and land")
    EXPROPRIATION = "expropriation", _("Land requisition and demolition")
    ENVIRONMENT = "environment", _("Environmental pollution")
    LABOUR = "labour", _("Labour")
    CONSUMER = "consumer", _("Consumer")
    MEDICAL = "medical", _("Medical")
    TRAFFIC = "traffic", _("Road traffic accidents")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    OTHER = "other", _("Other")


class Difficulty(models.TextChoices):
    """案件难度级别: the grade a county's 以案定补 pays by (definitions in
    :data:`DIFFICULTY_DEFINITIONS`; blank until the mediator grades the case)."""

    SIMPLE = "simple", _("Simple")
    ORDINARY = "ordinary", _("Ordinary")
    COMPLEX = "complex", _("Complex")
    MAJOR = "major", _("Major or difficult")


#: What each grade means, shown beside the choice and printed on the subsidy statement.
DIFFICULTY_DEFINITIONS = {
    Difficulty.SIMPLE: _(
        "Facts clear, rights and duties plain, two parties, settled in one session (简易纠纷)."
    ),
    Difficulty.ORDINARY: _(
        "Facts to be established or an amount to be worked out; two or more sessions (一般纠纷)."
    ),
    Difficulty.COMPLEX: _(
        "Several parties or claims, a large amount, or evidence to gather; needs other "
        "departments or professionals (较大/复杂纠纷)."
    ),
    Difficulty.MAJOR: _(
        "Ten or more people, risk of violence, a mass petition or a criminal turn, or a "
        "joint consultation; reported to the street (重大疑难纠纷)."
    ),
}


class Risk(models.TextChoices):
    NONE = "", _("No particular risk")
    BLUE = "blue", _("Blue: watch list")
    YELLOW = "yellow", _("Yellow: within 3 days")
    ORANGE = "orange", _("Orange: the same day")
    RED = "red", _("Red: at once")


class Outcome(models.TextChoices):
    SETTLED_WRITTEN = "settled_written", _("Settled by written agreement")
    SETTLED_ORAL = "settled_oral", _("Settled by oral agreement")
    FAILED = "failed", _("Mediation failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PARTY_REFUSES = "party_refuses", _("A party refuses mediation")
    DECLINED_SCOPE = "declined_scope", _("Declined: out of scope")
    DECLINED_DUPLICATE = "declined_duplicate", _("Declined: duplicate")
    DECLINED_REFUSED = "declined_refused", _("Declined: a party refuses")
    REFERRED_OUT = "referred_out", _("Referred out")
    ANSWERED = "answered", _("Advice given")


SETTLED_OUTCOMES = (Outcome.SETTLED_WRITTEN, Outcome.SETTLED_ORAL)
DECLINE_OUTCOMES = (Outcome.DECLINED_SCOPE, Outcome.DECLINED_DUPLICATE, Outcome.DECLINED_REFUSED)
TERMINATE_OUTCOMES = (Outcome.FAILED, Outcome.WITHDRAWN, Outcome.PARTY_REFUSES)


class Side(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    THIRD_PARTY = "third_party", _("Third party")
    AGENT = "agent", _("Agent")
    GUARDIAN = "guardian", _("Guardian")


class PartyKind(models.TextChoices):
    """当事人类型: a person, or a unit named by its name and answered for by its 法定代表人
    (a legal person) or 负责人 (an unincorporated organisation)."""

    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal person")
    UNINCORPORATED = "unincorporated", _("Unincorporated organisation")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "", _("Not recorded")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")
    NONE = "", _("None recorded")


class NoticeMethod(models.TextChoices):
    WRITTEN = "written", _("Written notice signed")
    ORAL = "oral", _("Told orally, noted in the record")
    PHONE = "phone", _("By phone")


class AttachmentKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("Signed agreement (scan)")
    SIGNED_NOTICE = "signed_notice", _("Signed rights notice (scan)")
    SIGNED_RECORD = "signed_record", _("Signed mediation record (scan)")
    ID_PROOF = "id_proof", _("Proof of identity")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    EVIDENCE = "evidence", _("Evidence")
    RECEIPT = "receipt", _("Receipt of performance")
    OTHER = "other", _("Other")


class RecordKind(models.TextChoices):
    """What a record (笔录) records: a mediation session, or an investigation of the facts
    (调查记录: a visit, a witness, the site)."""

    MEDIATION = "mediation", _("Mediation record")
    INVESTIGATION = "investigation", _("Investigation record")


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement (registered)")


class Confirmation(models.TextChoices):
    NONE = "", _("Not applied")
    APPLIED = "applied", _("Applied to the court")
    CONFIRMED = "confirmed", _("Confirmed by the court")
    REFUSED = "refused", _("Refused by the court")


class FollowUpMethod(models.TextChoices):
    VISIT = "visit", _("Home visit")
    PHONE = "phone", _("Phone call")


class Performance(models.TextChoices):
    FULL = "full", _("Fully performed")
    PARTIAL = "partial", _("Partly performed")
    NONE = "none", _("Not performed")


#: 预防效果: the harms a mediation may prevent, in the official report's order. Each is a flag
#: ``prevented_<harm>`` on the case with its persons ``prevented_<harm>_persons`` (at least one
#: when flagged, none when not).
PREVENTED_HARMS = ("criminal", "suicide", "petition", "fight", "incident")


class Setback(models.TextChoices):
    """What went wrong after a settlement, as a follow-up (复诊) found it: the harm the
    mediation did not prevent, and what became of the agreement in court."""

    CRIMINAL = "criminal", _("Turned into a criminal case")
    PETITION = "petition", _("Led to a mass petition")
    INCIDENT = "incident", _("Led to a mass incident")
    CHANGED = "changed", _("Agreement changed by a court")
    REVOKED = "revoked", _("Agreement revoked by a court")
    INVALID = "invalid", _("Agreement declared invalid by a court")
    PAYMENT_ORDER = "payment_order", _("Payment order applied for")


#: What a court did to the agreement: shown on the agreement itself.
COURT_SETBACKS = (Setback.CHANGED, Setback.REVOKED, Setback.INVALID)


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    TRANSITION = "transition", _("State changed")
    EDITED = "edited", _("Edited")
    PARTY = "party", _("Party changed")
    CONSENT = "consent", _("Consent or notice recorded")
    ASSIGNED = "assigned", _("Assigned")
    RECUSED = "recused", _("Mediator recused")
    ESCALATED = "escalated", _("Escalated to the street")
    EXTENDED = "extended", _("Deadline extended")
    DEADLINE_MOVED = "deadline_moved", _("Deadline moved with the holiday schedule")
    RECORD = "record", _("Mediation record")
    AGREEMENT = "agreement", _("Agreement")
    CONFIRMATION = "confirmation", _("Judicial confirmation")
    ADVICE = "advice", _("Professional advice")
    CONSULTATION = "consultation", _("Joint consultation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ATTACHMENT = "attachment", _("Attachment")
    VISIT = "visit", pgettext_lazy("timeline", "Home visit")
    REASSIGNED = "reassigned", _("Open work handed on")
    REMINDER = "reminder", _("Reminder sent")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("File withdrawn")
    PURGED = "purged", _("Case file destroyed at the end of its retention period")


class VisitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCHEDULED = "scheduled", _("Scheduled")
    VISITED = "visited", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")


class VisitOutcome(models.TextChoices):
    ADVICE = "advice", _("Advice given and closed on the spot")
    ORAL = "oral", _("An oral agreement on the spot")
    DISPUTE = "dispute", _("A dispute opened for mediation on patrol")


class VisitNoteKind(models.TextChoices):
    MERGED = "merged", _("Merged from a second request")
    DISTINCT = "distinct", _("Not the same as a similar request")


class InviteResponse(models.TextChoices):
    PENDING = "", _("No answer yet")
    ACCEPTED = "accepted", pgettext_lazy("answer to an invitation", "Accepted")
    DECLINED = "declined", pgettext_lazy("answer to an invitation", "Declined")


#: Urgency order of the triage board: red first.
RISK_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "": 4}


class JobStatus(models.TextChoices):
    """Where a background job (a bound case file, a large export) stands."""

    PENDING = "pending", pgettext_lazy("job", "waiting")
    RUNNING = "running", pgettext_lazy("job", "running")
    DONE = "done", pgettext_lazy("job", "done")
    FAILED = "failed", pgettext_lazy("job", "failed")
