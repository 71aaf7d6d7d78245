"""The "who and where": people, regions, mediation committees, clinics, roles, holidays,
the audit log and the notification inbox."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.choices import (
    CASE_HOLDING_KINDS,
    AuditEvent,
    AuditResult,
    CommitteeField,
    CommitteeKind,
    CommitteeLevel,
    CommitteePosition,
    DayKind,
    Employment,
    Level,
    Role,
    SealedDocument,
)
from clinic.lib import audit_chain, limits
from clinic.lib.phones import phone_validator
from clinic.lib.versions import Versioned
from clinic.lib.workdays import WorkCalendar


def new_access_stamp() -> int:
    """A new random ``User.access_stamp`` (the database triggers draw theirs alike)."""
    return secrets.randbits(62)


#: The person's columns kept by database triggers (``clinic.lib.triggers``), never by a save.
KEPT_BY_DATABASE = ("access_stamp", "unread_notifications")


class PeopleManager(UserManager["User"]):
    """Django's, without a way to make a superuser: nobody who holds a role is one, and the one
    for emergencies is made by ``manage.py emergency_superuser``, which audits it."""

    use_in_migrations = False

    def create_superuser(self, *args: Any, **kwargs: Any) -> User:
        raise ValueError(
            "A superuser exists only for emergencies: make one with "
            "`manage.py emergency_superuser <username>` (it is audited)."
        )


class User(Versioned, AbstractUser):
    """A person who signs in: clinic staff, a professional on the roster, a grid worker.

    Residents are not users; they are parties of cases. The profile fields live here.
    """

    display_name = models.CharField(_("name"), max_length=limits.NAME)
    phone = models.CharField(
        _("phone"), max_length=limits.PHONE, blank=True, validators=[phone_validator]
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=limits.ORGANISATION,
        blank=True,
        help_text=_("For example 盘龙区人民法院"),
    )
    specialism = models.CharField(_("specialism"), max_length=limits.LINE, blank=True)
    language = models.CharField(
        _("language of notices"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="zh-hans",
        help_text=_("Notices reach you in this language, whoever sends them."),
    )
    qualification_no = models.CharField(
        _("qualification number"),
        max_length=limits.REFERENCE,
        blank=True,
        help_text=_("Practising certificate of a lawyer, or a mediator's certificate number."),
    )
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    access_stamp = models.BigIntegerField(
        _("access stamp"),
        default=new_access_stamp,
        editable=False,
        help_text=_(
            "Drawn anew by the database whenever the person's roles or case grants change; "
            "what they may see is cached under it."
        ),
    )
    unread_notifications = models.PositiveIntegerField(
        _("unread notifications"),
        default=0,
        editable=False,
        help_text=_("Kept by the database as notifications arrive and are read."),
    )

    objects: ClassVar[PeopleManager] = PeopleManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a person already stored never writes back the columns the database keeps
        (``KEPT_BY_DATABASE``) nor the edit version (as ``Versioned.save``): an object read
        before a role ended or a notification arrived would otherwise put the old stamp, a
        wrong count, or an earlier version back."""
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in (*KEPT_BY_DATABASE, "row_version")
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clinic:person", args=[self.pk])

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_age_days(self) -> int:
        changed = self.password_changed_at or self.date_joined
        return (timezone.now() - changed).days


class District(models.Model):
    """A district (区), the top of the administrative tree, e.g. 盘龙区."""

    name = models.CharField(_("name"), max_length=50)
    city = models.CharField(_("city"), max_length=50, blank=True)
    code = models.CharField(_("division code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A sub-district (街道) with its street office; statistics are reported per street."""

    district = models.ForeignKey(
        District, models.PROTECT, related_name="streets", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("division code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community (社区) with its residents' committee; most clinics sit in one."""

    street = models.ForeignKey(
        Street, models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("division code"), max_length=12, unique=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("residents"), null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """A grid (网格) of households that one grid worker walks."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("grid code"), max_length=20, unique=True)
    description = models.CharField(_("buildings covered"), max_length=limits.LINE, blank=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.community.name} {self.name}"


#: The 保管期限 a committee starts with: the shorter of the archive rules' two fixed terms
#: (10 and 30 years); a committee may choose 30 years, another number, or permanent.
DEFAULT_RETENTION_YEARS = 10


class MediationCommitteeQuerySet(models.QuerySet):
    def holding_cases(self) -> MediationCommitteeQuerySet:
        """The community and street committees: the only ones cases belong to here."""
        return self.filter(HOLDS_CASES)


#: The committees that hold cases (a filter on ``MediationCommittee``).
HOLDS_CASES = Q(level__in=[CommitteeLevel.COMMUNITY, CommitteeLevel.STREET])


class MediationCommittee(models.Model):
    """A people's mediation committee (人民调解委员会). A community or street committee holds
    cases; its prefix makes their numbers, e.g. ``(2026)盘金人调字第17号``. The other kinds
    (企事业, 行业专业, 派驻, 个人调解工作室) belong to a street and appear only in the
    organisation table of the official report: they have no level, community or prefix."""

    code = models.CharField(
        _("committee code"),
        max_length=30,
        unique=True,
        help_text=_("The code the province gives the committee (调委会编码)."),
    )
    kind = models.CharField(_("committee type"), max_length=15, choices=CommitteeKind.choices)
    field = models.CharField(
        _("field"),
        max_length=15,
        choices=CommitteeField.choices,
        blank=True,
        help_text=_("For a trade or professional committee: the disputes it serves."),
    )
    stationed_at = models.CharField(
        _("stationed at"),
        max_length=limits.ORGANISATION,
        blank=True,
        help_text=_("For a stationed committee: the court, police station or office it sits in."),
    )
    studio_mediator = models.CharField(
        _("studio's mediator"),
        max_length=limits.NAME,
        blank=True,
        help_text=_("For a personal mediation studio: the mediator it is named after."),
    )
    level = models.CharField(_("level"), max_length=10, choices=CommitteeLevel.choices, blank=True)
    street = models.ForeignKey(
        Street, models.PROTECT, related_name="committees", verbose_name=_("street")
    )
    community = models.OneToOneField(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="committee",
        verbose_name=_("community"),
    )
    name = models.CharField(_("name"), max_length=limits.ORGANISATION)
    seal_name = models.CharField(_("name on the seal"), max_length=limits.ORGANISATION)
    case_prefix = models.CharField(
        _("case-number prefix"), max_length=10, blank=True, help_text=_("For example 盘金")
    )
    # 保管期限 of the committee's case files (README, "Retention"): counted from 1 January of
    # the year after a case was archived (closed, if it never was); None keeps them for good.
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        null=True,
        blank=True,
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "How long a closed case's file (卷宗) is kept, counted from 1 January of the year "
            "after it was archived; then its files are destroyed and its parties' contact "
            "details removed. Leave empty to keep the files permanently."
        ),
    )

    objects = MediationCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("people's mediation committee")
        verbose_name_plural = _("people's mediation committees")
        ordering = ["street__code", "level", "name"]
        constraints = [
            models.CheckConstraint(
                name="committee_level_matches_community",
                condition=Q(
                    level=CommitteeLevel.COMMUNITY,
                    kind=CommitteeKind.VILLAGE,
                    community__isnull=False,
                )
                | Q(level=CommitteeLevel.STREET, kind=CommitteeKind.TOWNSHIP, community=None)
                | (Q(level="", community=None, case_prefix="") & ~Q(kind__in=CASE_HOLDING_KINDS)),
            ),
            models.CheckConstraint(
                name="case_holding_committee_has_prefix",
                condition=Q(level="") | ~Q(case_prefix=""),
            ),
            models.CheckConstraint(
                name="committee_kind_details",
                condition=(~Q(kind=CommitteeKind.PROFESSIONAL) | ~Q(field=""))
                & (~Q(kind=CommitteeKind.STATIONED) | ~Q(stationed_at=""))
                & (~Q(kind=CommitteeKind.STUDIO) | ~Q(studio_mediator="")),
            ),
            models.UniqueConstraint(
                fields=["street"],
                condition=Q(level=CommitteeLevel.STREET),
                name="one_street_committee_per_street",
            ),
            models.UniqueConstraint(
                fields=["case_prefix"],
                condition=~Q(case_prefix=""),
                name="one_committee_per_case_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holds_cases(self) -> bool:
        return self.level in (CommitteeLevel.COMMUNITY, CommitteeLevel.STREET)

    @property
    def kind_detail(self) -> str:
        """The field, the place or the mediator its kind is described by (may be empty)."""
        if self.kind == CommitteeKind.PROFESSIONAL:
            return str(self.get_field_display())
        if self.kind == CommitteeKind.STATIONED:
            return self.stationed_at
        if self.kind == CommitteeKind.STUDIO:
            return self.studio_mediator
        return ""


class CommitteeMember(Versioned, models.Model):
    """A person's position on a committee (主任, 副主任, 委员, 调解员): a user of the system
    when they are one, else just a name; full- or part-time, with the mediator's certificate
    number (调解员证号) and the dates they served."""

    committee = models.ForeignKey(
        MediationCommittee,
        models.PROTECT,
        related_name="members",
        verbose_name=_("committee"),
    )
    user = models.ForeignKey(
        "clinic.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_positions",
        verbose_name=_("user account"),
    )
    name = models.CharField(_("name"), max_length=limits.NAME)
    position = models.CharField(_("position"), max_length=10, choices=CommitteePosition.choices)
    employment = models.CharField(
        _("full- or part-time"), max_length=10, choices=Employment.choices
    )
    certificate_no = models.CharField(_("mediator's certificate number"), max_length=30, blank=True)
    started_on = models.DateField(_("in office from"), default=timezone.localdate)
    ended_on = models.DateField(_("in office until"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "ended_on", "position", "name", "pk"]
        constraints = [
            models.CheckConstraint(name="committee_member_has_name", condition=~Q(name="")),
            models.CheckConstraint(
                name="committee_member_ends_after_start",
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(ended_on=None, user__isnull=False),
                name="one_current_position_per_user_and_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_position_display()}"


class TrainingRecord(models.Model):
    """A training a committee member attended (业务培训): the day, the hours and the topic."""

    member = models.ForeignKey(
        CommitteeMember, models.CASCADE, related_name="trainings", verbose_name=_("member")
    )
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    topic = models.CharField(_("topic"), max_length=limits.LINE)
    recorded_by = models.ForeignKey(
        "clinic.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="training_has_hours", condition=Q(hours__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class SealUse(models.Model):
    """One use of a committee's seal (用印登记): the day, what was sealed (and the case, by its
    number, if any), how many copies, why, who applied and who approved it."""

    committee = models.ForeignKey(
        MediationCommittee,
        models.PROTECT,
        related_name="seal_uses",
        verbose_name=_("committee"),
    )
    used_on = models.DateField(_("date"))
    document = models.CharField(_("document"), max_length=20, choices=SealedDocument.choices)
    case_number = models.CharField(
        _("case number"), max_length=40, blank=True, help_text=_("Leave empty if no case.")
    )
    copies = models.PositiveSmallIntegerField(
        _("copies"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    purpose = models.CharField(_("purpose"), max_length=limits.LINE)
    applicant = models.CharField(_("applied by"), max_length=limits.NAME)
    approved_by = models.CharField(_("approved by"), max_length=limits.NAME)
    recorded_by = models.ForeignKey(
        "clinic.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("seal use")
        verbose_name_plural = _("seal uses")
        ordering = ["-used_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="seal_use_has_copies", condition=Q(copies__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.used_on} {self.get_document_display()}"


class Clinic(models.Model):
    """A 三官一律 legal clinic (法律诊所) in a community office."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="clinics", verbose_name=_("community")
    )
    committee = models.ForeignKey(
        MediationCommittee,
        models.PROTECT,
        related_name="clinics",
        verbose_name=_("mediation committee"),
    )
    name = models.CharField(_("name"), max_length=limits.ORGANISATION)
    slug = models.SlugField(_("short name in addresses"), unique=True)
    address = models.CharField(_("address"), max_length=limits.ADDRESS)
    phone = models.CharField(
        _("phone"), max_length=limits.PHONE, blank=True, validators=[phone_validator]
    )
    opening_notes = models.TextField(
        _("opening hours and notes"), max_length=limits.NOTE, blank=True
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["community__code", "name"]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class HolidayQuerySet(models.QuerySet):
    def calendar(self) -> WorkCalendar:
        """The working-day calendar, for deadlines and rosters."""
        holidays: set[date] = set()
        workdays: dict[date, int | None] = {}
        for day, kind, works_as in self.values_list("date", "kind", "works_as"):
            if kind == DayKind.HOLIDAY:
                holidays.add(day)
            else:
                workdays[day] = works_as
        return WorkCalendar(
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
            works_as={d: w for d, w in workdays.items() if w is not None},
            official_years=frozenset(
                HolidayYear.objects.filter(official=True).values_list("year", flat=True)
            ),
        )


class Holiday(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday, or a weekend day that is
    worked to make up for one (调休). Seeded from the ``holidays`` package; the State Council
    publishes each year's schedule late, so district admins can edit it."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50)
    works_as = models.PositiveSmallIntegerField(
        _("works as"),
        null=True,
        blank=True,
        choices=WEEKDAYS,
        help_text=_("A make-up working day follows the timetable of the weekday it replaces."),
    )

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]
        permissions = [("manage_holidays", _("Can edit the holiday calendar"))]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class HolidayYear(models.Model):
    """Whether a year's days off are the State Council's published schedule or an estimate.
    The schedule comes out late (usually in November for the next year): until it is entered,
    the year's holidays are the ``holidays`` package's estimate (statutory days, no 调休), and
    every deadline that may end in it is shown as provisional. A year with no row is
    provisional too."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    official = models.BooleanField(_("official schedule"), default=False)
    confirmed_by = models.ForeignKey(
        "User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday schedule of a year")
        verbose_name_plural = _("holiday schedules")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)

    def in_communities(self, communities: models.QuerySet) -> MembershipQuerySet:
        """Memberships whose region lies inside any of these communities."""
        return self.filter(community__in=communities)


class Membership(Versioned, models.Model):
    """A role a person holds in a region: a lawyer serving a community, a judge covering a
    street, a grid worker on a grid. A person may hold several. The region's ancestors are
    stored too, so "everyone in this community" is one indexed filter."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, null=True, blank=True, verbose_name=_("community")
    )
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, verbose_name=_("grid"))
    started_at = models.DateTimeField(_("granted"), default=timezone.now)
    granted_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ended by")
    )
    end_reason = models.CharField(_("reason for ending"), max_length=limits.LINE, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "role"]
        permissions = [("manage_people", _("Can manage people and their roles"))]
        constraints = [
            models.CheckConstraint(
                name="membership_region_matches_level",
                condition=Q(
                    level=Level.DISTRICT,
                    street__isnull=True,
                    community__isnull=True,
                    grid__isnull=True,
                )
                | Q(level=Level.STREET, street__isnull=False, community__isnull=True, grid=None)
                | Q(level=Level.COMMUNITY, community__isnull=False, street__isnull=False, grid=None)
                | Q(level=Level.GRID, grid__isnull=False, community__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    @property
    def region(self) -> District | Street | Community | Grid:
        return self.grid or self.community or self.street or self.district

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise ValueError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        raise ValueError("Audit entries are written one by one, each sealed onto the chain.")


#: The key of the lock that writers of the audit log take in turn on PostgreSQL (SQLite writes
#: one transaction at a time anyway).
AUDIT_CHAIN_LOCK = 0x636C696E6963  # "clinic"


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what to which object, from where, and
    whether it was allowed. Rows are never changed or deleted: the database refuses it
    (``clinic.lib.triggers.append_only_triggers``; the retention purge alone deletes old
    entries), and each entry is sealed onto a hash chain (``clinic.lib.audit_chain``) that
    ``manage.py verify_audit`` checks."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    event = models.CharField(_("event"), max_length=20, choices=AuditEvent.choices)
    result = models.CharField(
        _("result"), max_length=10, choices=AuditResult.choices, default=AuditResult.OK
    )
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("seal of the entry before"), max_length=64, editable=False)
    hash = models.CharField(_("seal"), max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()
    #: The object type and the roles in the reader's words, set by the audit log page.
    object_type_label: str
    roles_label: str

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["event", "at"], name="audit_event_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Append the entry, sealed onto the chain. Writers take turns from reading the chain's
        end to their commit (on PostgreSQL a transaction lock; SQLite's transactions write one
        at a time), so two of them never seal onto the same entry."""
        if not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        with transaction.atomic():
            lock_chain()
            self.prev_hash = chain_end()
            values = {name: getattr(self, name) for name in audit_chain.FIELDS}
            self.hash = audit_chain.seal(self.prev_hash, values)
            super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class AuditAnchor(models.Model):
    """Where the audit log's hash chain starts after a retention purge: the last entry the
    purge deleted and its seal, which the first remaining entry names as the one before it.
    The anchor is sealed too, so an anchor made up to hide deleted entries shows."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    through_id = models.BigIntegerField(_("last purged entry"))
    hash = models.CharField(_("its seal"), max_length=64)
    seal = models.CharField(_("seal"), max_length=64)

    class Meta:
        verbose_name = _("audit log anchor")
        verbose_name_plural = _("audit log anchors")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} #{self.through_id}"


def lock_chain() -> None:
    """Wait for the other writers of the audit log's chain, and keep them waiting until this
    transaction ends (call it inside one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


def chain_end() -> str:
    """The seal the next audit entry follows: the last entry's, or after a purge that left no
    entry the last anchor's, or nothing for the first entry ever."""
    for model in (AuditEntry, AuditAnchor):
        last = model.objects.order_by("-pk").values_list("hash", flat=True).first()
        if last is not None:
            return last
    return ""


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a person's inbox. One row per (person, event key): posting the same event
    twice shows it once. Email goes out after the acting transaction commits."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    key = models.CharField(_("event key"), max_length=200)
    # the notice (clinic.notify) and its parameters, rendered whenever it is shown or sent, in
    # the reader's language; title and body keep the text as first rendered (older rows: the
    # only text they have)
    template = models.CharField(_("notice"), max_length=80, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


def recount_unread_notifications() -> None:
    """Work out every person's unread count from their inbox. Triggers keep it from then on;
    a restore calls this once its rows are in (whether a notification's trigger found its
    person depends on the order the tables were loaded in)."""
    unread = (
        Notification.objects.unread()
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.update(unread_notifications=Coalesce(Subquery(unread), 0))


class OutboxMessage(models.Model):
    """A background task queued by an action, written in the action's own transaction.

    It goes pending → sent (handed to the broker) → done, or failed with the task's error.
    The task is handed to the broker after the transaction commits; when the broker is down
    the row stays pending and ``clinic.outbox.drain`` sends it once the broker is back, so an
    action never fails, and no task is lost, because Redis is away. The task itself marks the
    row done or failed (``clinic.outbox`` listens to Celery's signals); one sent but not
    finished after ``clinic.outbox.RESEND_AFTER`` (a broker restarted without persistence, a
    worker killed) is sent again. Tasks are idempotent: a message run twice does its work once.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("task", "waiting for the broker")
        SENT = "sent", pgettext_lazy("task", "handed to the broker")
        DONE = "done", pgettext_lazy("task", "done")
        FAILED = "failed", pgettext_lazy("task", "failed")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["state", "id"],
                condition=Q(state__in=["pending", "sent"]),
                name="outbox_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class Submission(models.Model):
    """One sending of a form by a person, named by the random ``submission_id`` every form
    carries (``clinic.submissions``): claimed while the first sending is answered
    (``answered_at`` empty), then the redirect it answered with, so the same form sent again
    (a double tap, a resend after a lost connection, a Back) gets that answer instead of
    making a second record. Forgotten after a day."""

    user = models.ForeignKey(User, models.CASCADE, related_name="+", verbose_name=_("user"))
    token = models.UUIDField(_("submission id"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    location = models.CharField(_("answered with"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_once_per_user")
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="submission_user_age")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.token}"


from clinic.notify.models import (  # noqa: E402, F401  the notification layer's models
    ChannelChoice,
    Delivery,
    GroupRobot,
    ReminderItem,
)
