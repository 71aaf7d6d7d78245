"""Enumerations of people's time: seats, sessions, bookings, commitments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.choices import Role


class SeatRole(models.TextChoices):
    JUDGE = "judge", _("Judge")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    POLICE = "police", _("Community police officer")
    LAWYER = "lawyer", _("Lawyer or mediator")


#: Which roles may take a seat of each kind.
SEAT_ACCEPTS: dict[str, frozenset[str]] = {
    SeatRole.JUDGE: frozenset({Role.JUDGE}),
    SeatRole.PROSECUTOR: frozenset({Role.PROSECUTOR}),
    SeatRole.POLICE: frozenset({Role.POLICE}),
    SeatRole.LAWYER: frozenset({Role.LAWYER, Role.MEDIATOR}),
}
ROSTER_ROLES = frozenset().union(*SEAT_ACCEPTS.values())


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular sit-in")
    POPUP = "popup", _("Pop-up clinic (义诊)")
    ONLINE = "online", _("Online")
    LECTURE = "lecture", _("Legal education lecture (普法讲座)")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    SWAPPED = "swapped", _("Handed over in a swap")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class CommitmentKind(models.TextChoices):
    SHIFT = "shift", _("Clinic shift")
    LEAVE = "leave", _("Leave or unavailable")
    VISIT = "visit", _("Home visit")
    MEETING = "meeting", _("Joint consultation meeting")
    FOLLOW_UP = "follow_up", _("Follow-up visit")


class StatementPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
