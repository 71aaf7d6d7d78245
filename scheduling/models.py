"""People's time: clinic sessions and their seats, bookings, leave, and the commitments that
keep a professional from being in two places at once.

Every booking, leave and appointment writes a ``Commitment(person, period)``. On PostgreSQL an
exclusion constraint (btree_gist, ``tstzrange``) forbids overlapping active commitments of one
person; on SQLite the same check runs inside an immediate (write-locked) transaction. This app
never imports ``cases``: an appointment knows people, time and place, not disputes.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits
from clinic.lib.versions import Versioned
from clinic.models import WEEKDAYS, Clinic, User
from scheduling.choices import (
    Attendance,
    BookingStatus,
    CommitmentKind,
    SeatRole,
    SessionKind,
    SessionStatus,
)


class RosterSettings(models.Model):
    """A clinic's roster rules: seats per session and role, the monthly minimum of on-site
    hours, and the most shifts one person takes a month."""

    clinic = models.OneToOneField(
        Clinic, models.CASCADE, related_name="roster_settings", verbose_name=_("clinic")
    )
    judge_seats = models.PositiveSmallIntegerField(_("judge seats"), default=1)
    prosecutor_seats = models.PositiveSmallIntegerField(_("prosecutor seats"), default=1)
    police_seats = models.PositiveSmallIntegerField(_("police seats"), default=1)
    lawyer_seats = models.PositiveSmallIntegerField(_("lawyer or mediator seats"), default=1)
    minimum_hours = models.DecimalField(
        _("monthly minimum of on-site hours"),
        max_digits=5,
        decimal_places=1,
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MONTHLY_HOURS)],
    )
    max_shifts = models.PositiveSmallIntegerField(
        _("most shifts per person a month"),
        default=4,
        validators=[MaxValueValidator(limits.MONTHLY_SHIFTS)],
    )

    class Meta:
        verbose_name = _("roster settings")
        verbose_name_plural = _("roster settings")

    def __str__(self) -> str:
        return str(self.clinic)

    def seats(self) -> list[tuple[str, int]]:
        return [
            (SeatRole.JUDGE, self.judge_seats),
            (SeatRole.PROSECUTOR, self.prosecutor_seats),
            (SeatRole.POLICE, self.police_seats),
            (SeatRole.LAWYER, self.lawyer_seats),
        ]


class WeeklyPattern(models.Model):
    """ "Every Wednesday 9:00–11:30": generates a clinic's sessions month by month."""

    clinic = models.ForeignKey(
        Clinic, models.CASCADE, related_name="patterns", verbose_name=_("clinic")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    place = models.CharField(_("place"), max_length=limits.PLACE, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.REGULAR
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("weekly pattern")
        verbose_name_plural = _("weekly patterns")
        ordering = ["clinic", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="pattern_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class SessionQuerySet(models.QuerySet):
    def with_seats(self) -> SessionQuerySet:
        return self.select_related("clinic", "clinic__community").prefetch_related(
            models.Prefetch(
                "seats",
                queryset=Seat.objects.prefetch_related(
                    models.Prefetch(
                        "bookings",
                        queryset=Booking.objects.filter(status=BookingStatus.ACTIVE).select_related(
                            "person"
                        ),
                        to_attr="active_bookings",
                    )
                ).order_by("role", "index"),
            )
        )

    def published(self) -> SessionQuerySet:
        return self.filter(status=SessionStatus.PUBLISHED)


class ClinicSession(Versioned, models.Model):
    """A clinic session (坐诊时段): a time and place with seats for each role."""

    clinic = models.ForeignKey(
        Clinic, models.PROTECT, related_name="sessions", verbose_name=_("clinic")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=limits.PLACE, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.REGULAR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    pattern = models.ForeignKey(
        WeeklyPattern, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=limits.LINE, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("clinic session")
        verbose_name_plural = _("clinic sessions")
        ordering = ["starts_at", "clinic"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "starts_at"], name="one_session_per_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "starts_at"], name="session_clinic_start")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.clinic.name} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:session_detail", args=[self.pk])

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Seat(Versioned, models.Model):
    """One place at a session for one role (the lawyer seat takes a lawyer or a mediator)."""

    session = models.ForeignKey(
        ClinicSession, models.CASCADE, related_name="seats", verbose_name=_("session")
    )
    role = models.CharField(_("role"), max_length=15, choices=SeatRole.choices)
    index = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["session", "role", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "role", "index"], name="one_seat_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.get_role_display()}"

    @property
    def holder(self) -> Booking | None:
        active = getattr(self, "active_bookings", None)
        if active is None:
            active = list(self.bookings.filter(status=BookingStatus.ACTIVE))
        return active[0] if active else None

    # What a seat's forms compare (``scheduling.forms.SeatForm``): the seat's state is its
    # holder's booking, which has no version of its own.

    @property
    def held_by(self) -> User | None:
        holder = self.holder
        return holder.person if holder else None

    @property
    def holder_checked_in(self) -> datetime | None:
        holder = self.holder
        return holder.checked_in_at if holder else None

    @property
    def holder_checked_out(self) -> datetime | None:
        holder = self.holder
        return holder.checked_out_at if holder else None

    @property
    def holder_attendance(self) -> str:
        holder = self.holder
        return holder.attendance if holder else ""


class CommitmentQuerySet(models.QuerySet):
    def active(self) -> CommitmentQuerySet:
        return self.filter(active=True)

    def overlapping(self, starts_at: datetime, ends_at: datetime) -> CommitmentQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def busy(self, people: list, starts_at: datetime, ends_at: datetime) -> CommitmentQuerySet:
        """The free/busy query: active commitments of these people in this period."""
        return self.active().filter(person__in=people).overlapping(starts_at, ends_at)


class Commitment(models.Model):
    """A person's time taken: a shift, leave, a home visit, a meeting. Active commitments of one
    person never overlap (a database constraint on PostgreSQL)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="commitments",
        verbose_name=_("person"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    kind = models.CharField(_("kind"), max_length=10, choices=CommitmentKind.choices)
    title = models.CharField(_("title"), max_length=limits.LINE)
    place = models.CharField(_("place"), max_length=limits.ADDRESS, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="commitment_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["person", "starts_at"], name="commitment_person_start")]

    def __str__(self) -> str:
        return f"{self.person} {self.title}"


class Booking(models.Model):
    """A professional holding a seat. At most one active booking per seat; a swap hands the
    seat over to another professional of the same role."""

    seat = models.ForeignKey(Seat, models.CASCADE, related_name="bookings", verbose_name=_("seat"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="bookings",
        verbose_name=_("professional"),
    )
    role = models.CharField(_("booked as"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.ACTIVE
    )
    commitment = models.OneToOneField(
        Commitment, models.PROTECT, null=True, blank=True, related_name="booking"
    )
    booked_at = models.DateTimeField(_("booked"), default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=limits.LINE, blank=True)
    swap_offered_at = models.DateTimeField(_("swap offered"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["seat__session__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status="active"),
                name="one_active_booking_per_seat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.seat}"

    @property
    def hours_on_site(self) -> float:
        """Checked in and out: the time between; marked present: the session's length."""
        if self.checked_in_at and self.checked_out_at:
            return max((self.checked_out_at - self.checked_in_at).total_seconds() / 3600, 0)
        if self.attendance == Attendance.PRESENT:
            return self.seat.session.hours
        return 0.0


class Leave(Versioned, models.Model):
    """A period a professional is away or unavailable; the roster respects it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="leaves", verbose_name=_("person")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=limits.LINE)
    commitment = models.OneToOneField(Commitment, models.PROTECT, related_name="leave")

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The unguessable key of a professional's private calendar feed; revoking issues a new
    one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed key")
        verbose_name_plural = _("calendar feed keys")

    def __str__(self) -> str:
        return f"{self.person}"


class DutyStatement(models.Model):
    """A professional's duty statement (履职情况) for a month or a quarter, confirmed by the
    coordinator: the figures as they stood at confirmation, frozen, and the unit the person
    worked for then."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="duty_statements",
        verbose_name=_("professional"),
    )
    period = models.CharField(_("period"), max_length=7)  # 2026-11 or 2026-Q4
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))  # the last day of the period
    organisation = models.CharField(_("organisation"), max_length=limits.LINE, blank=True)
    figures = models.JSONField(_("figures"), default=dict)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("duty statement")
        verbose_name_plural = _("duty statements")
        ordering = ["-starts_on", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="one_statement_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period}"
