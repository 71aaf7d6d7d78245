"""The case: its state machine (``@transition`` with guards and permissions), its queryset,
per-case permission tables and case-number sequences.

The *doing* lives in the workflows' actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.choices import (
    ACTIVE_STATES,
    DIFFICULTY_DEFINITIONS,
    OPEN_STATES,
    PREVENTED_HARMS,
    Confirmation,
    Difficulty,
    DisputeType,
    Kind,
    Level,
    Outcome,
    Performance,
    Risk,
    Source,
    State,
)
from clinic.lib import limits
from clinic.models import Clinic, Community, Grid, MediationCommittee, Street

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_fsm import UserWithPermissions
    from django_stubs_ext import StrOrPromise

    from cases.models.consultations import JointConsultation
    from cases.models.mediation import Agreement, Attachment
    from clinic.models import User

    # What django-fsm takes: a condition of any model, a permission of any model and user.
    # Ours are declared on the case, so django-fsm calls them with a case (and our users).
    Condition = Callable[[models.Model], bool]
    Permission = Callable[[models.Model, UserWithPermissions], bool]


def guard(
    message: StrOrPromise, *, from_form: bool = False
) -> Callable[[Callable[[Case], bool]], Condition]:
    """Attach the message shown when a transition's condition does not hold. ``from_form``
    marks a condition that the transition's own form fulfils (a reason, an opinion)."""

    def mark(condition: Callable[[Case], bool]) -> Condition:
        condition.message = message  # type: ignore[attr-defined]  # read by unmet_conditions
        condition.from_form = from_form  # type: ignore[attr-defined]  # the same
        return cast("Condition", condition)

    return mark


@guard(_("Only disputes are mediated; legal advice is answered instead."))
def is_dispute(case: Case) -> bool:
    return case.kind == Kind.DISPUTE


@guard(_("Only legal advice is answered this way."))
def is_advice(case: Case) -> bool:
    return case.kind == Kind.ADVICE


@guard(_("The question and the answer must both be recorded."), from_form=True)
def has_answer(case: Case) -> bool:
    return bool(case.summary.strip() and case.answer.strip())


@guard(
    _(
        "Every party must have consented to mediation and been told their rights and duties "
        "(a minor or a person without full capacity through their guardian), every agent's "
        "power of attorney must be on file, and there must be an applicant and a respondent."
    )
)
def parties_ready(case: Case) -> bool:
    from cases.models.parties import consent_ready  # noqa: PLC0415  (parties import this module)

    return consent_ready(case)


@guard(_("No party may have refused mediation."))
def nobody_refuses(case: Case) -> bool:
    return not any(p.refused_at for p in case.parties.all())


@guard(_("A reason for the decision must be recorded."), from_form=True)
def has_outcome_note(case: Case) -> bool:
    return bool(case.outcome and case.outcome_note.strip())


@guard(_("At least two professionals of different roles must be invited."), from_form=True)
def consultation_invited(case: Case) -> bool:
    consultation = case.open_consultation
    if consultation is None:
        return False
    return len({invitee.role for invitee in consultation.invitees.all()}) >= 2


@guard(_("The joint opinion must be recorded."), from_form=True)
def joint_opinion_recorded(case: Case) -> bool:
    consultation = case.open_consultation
    return consultation is not None and bool(consultation.joint_opinion.strip())


@guard(_("A complete, signed written agreement or a registered oral agreement must be recorded."))
def agreement_effective(case: Case) -> bool:
    agreement = case.current_agreement
    return agreement is not None and agreement.is_complete and agreement.signed_on is not None


@guard(_("A follow-up must have found the agreement fully performed."))
def performed(case: Case) -> bool:
    return any(f.done_at and f.performance == Performance.FULL for f in case.follow_ups.all())


@guard(
    _(
        "A case reopens only when the court refused judicial confirmation or both parties "
        "asked to mediate again."
    )
)
def reopen_allowed(case: Case) -> bool:
    agreement = case.current_agreement
    refused = agreement is not None and agreement.confirmation == Confirmation.REFUSED
    return refused or case.both_parties_ask_again


def _permission(rule: str) -> Permission:
    def check(case: Case, user: User | AnonymousUser) -> bool:
        from cases import access  # noqa: PLC0415  a cycle: cases.access reads the models

        return access.may_fire(user, case, rule)

    check.__name__ = f"may_{rule}"
    return cast("Permission", check)


def overdue_cases(today: date) -> Q:
    """Cases still in mediation (sit-in, patrol, joint consultation) past their mediation
    due date: the rule of the overdue filter and of the case list's mark (``Case.is_overdue``
    is the same rule on one case in memory)."""
    return Q(state__in=ACTIVE_STATES, mediation_due__lt=today)


# The columns a case list row needs (the case list, as values, and the home pages' panels).
LIST_FIELDS = (
    "number",
    "kind",
    "state",
    "risk",
    "dispute_type",
    "registered_at",
    "mediation_due",
    "mediation_due_provisional",
    "community",
    "community__name",
    "mediator",
    "mediator__username",
    "mediator__display_name",
    # the register's mark of an escalated case (上报街道 / 接收上报)
    "street",
    "escalated_at",
)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser) -> CaseQuerySet:
        from cases import access  # noqa: PLC0415  a cycle: cases.access reads the models

        return self.filter(access.case_scope(user))

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def disputes(self) -> CaseQuerySet:
        return self.filter(kind=Kind.DISPUTE)

    def overdue(self, today: date | None = None) -> CaseQuerySet:
        return self.filter(overdue_cases(today or timezone.localdate()))

    def for_list(self) -> CaseQuerySet:
        """What a list row shows and no more (``LIST_FIELDS``; building wide case rows was
        much of a list page's time): community, mediator, party names (never their encrypted
        ID numbers and phones, which would only be decrypted to be thrown away)."""
        from cases.models.parties import Party  # noqa: PLC0415  a cycle: Party's key is a Case

        return (
            self.select_related("community", "mediator")
            .only(*LIST_FIELDS)
            .prefetch_related(
                models.Prefetch(
                    "parties",
                    queryset=Party.objects.named_in_lists().only("pk", "case_id", "side", "name"),
                    to_attr="listed_parties",
                )
            )
        )


class Case(ConcurrentTransitionMixin, models.Model):
    """A dispute (矛盾纠纷) brought to a clinic, or a legal question answered there (法律咨询).

    A dispute is numbered (``(2026)盘金人调字第17号``) when it is accepted or dispatched, moves
    through the four modes, and ends closed with an outcome. Its level says how far up it went.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISPUTE)
    state = FSMField(
        _("state"), default=State.REGISTERED, choices=State.choices, protected=True, max_length=20
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    committee = models.ForeignKey(
        MediationCommittee, models.PROTECT, related_name="cases", verbose_name=_("committee")
    )
    clinic = models.ForeignKey(
        Clinic,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("clinic"),
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="cases", verbose_name=_("community")
    )
    street = models.ForeignKey(
        Street, models.PROTECT, related_name="cases", verbose_name=_("street")
    )
    grid = models.ForeignKey(
        Grid, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("grid")
    )

    number = models.CharField(_("case number"), max_length=40, blank=True, db_index=True)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    number_seq = models.PositiveIntegerField(_("number sequence"), null=True, blank=True)
    # The committee whose register issued the number: an escalated case keeps it (README,
    # "Escalation and numbering"), so the street's register lists it as 接收上报.
    numbered_by = models.ForeignKey(
        MediationCommittee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="numbered_cases",
        verbose_name=_("numbered by"),
    )

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    dispute_type = models.CharField(_("dispute type"), max_length=25, choices=DisputeType.choices)
    # The district's finer kind under dispute_type (cases.models.dispute_types), when given.
    dispute_subtype = models.ForeignKey(
        "cases.DisputeSubtype",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("dispute subtype"),
    )
    summary = models.TextField(
        _("summary"),
        max_length=limits.SUMMARY,
        help_text=_("What the dispute or question is about."),
    )
    answer = models.TextField(_("answer given"), max_length=limits.ANSWER, blank=True)
    amount_involved = models.DecimalField(
        _("amount involved (yuan)"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.AMOUNT_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(limits.AMOUNT_MIN)],
    )
    amount_agreed = models.DecimalField(
        _("amount agreed (yuan)"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.AMOUNT_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(limits.AMOUNT_MIN)],
    )
    persons_involved = models.PositiveIntegerField(_("persons involved"), default=0)
    prevented_criminal = models.BooleanField(
        _("kept from turning criminal"), default=False, help_text=_("防止民转刑")
    )
    prevented_criminal_persons = models.PositiveIntegerField(_("persons (criminal)"), default=0)
    prevented_petition = models.BooleanField(
        _("mass petition prevented"), default=False, help_text=_("防止群体性上访")
    )
    prevented_petition_persons = models.PositiveIntegerField(_("persons (petition)"), default=0)
    prevented_suicide = models.BooleanField(
        _("suicide prevented"), default=False, help_text=_("防止引起自杀")
    )
    prevented_suicide_persons = models.PositiveIntegerField(_("persons (suicide)"), default=0)
    prevented_fight = models.BooleanField(
        _("mass fight prevented"), default=False, help_text=_("防止群体性械斗")
    )
    prevented_fight_persons = models.PositiveIntegerField(_("persons (fight)"), default=0)
    prevented_incident = models.BooleanField(
        _("mass incident prevented"), default=False, help_text=_("防止群体性事件")
    )
    prevented_incident_persons = models.PositiveIntegerField(_("persons (incident)"), default=0)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, blank=True, default="")
    difficulty = models.CharField(
        _("difficulty grade"), max_length=10, choices=Difficulty.choices, blank=True, default=""
    )

    level = models.CharField(
        _("level"), max_length=15, choices=Level.choices, default=Level.COMMUNITY
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_reason = models.TextField(
        _("reason for escalation"), max_length=limits.SUMMARY, blank=True
    )

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="mediated_cases",
        verbose_name=_("mediator"),
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    mediation_due = models.DateField(_("mediation due"), null=True, blank=True)
    mediation_due_provisional = models.BooleanField(
        _("mediation due date provisional"),
        default=False,
        help_text=_(
            "Worked out on an estimated holiday schedule: it may move when the official one "
            "is entered."
        ),
    )
    mode_before_consultation = models.CharField(max_length=20, blank=True)
    both_parties_ask_again = models.BooleanField(
        _("both parties asked to mediate again"), default=False
    )
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    confirmation_due = models.DateField(
        _("judicial confirmation window ends"), null=True, blank=True
    )
    confirmation_due_provisional = models.BooleanField(
        _("judicial confirmation window provisional"),
        default=False,
        help_text=_(
            "Worked out on an estimated holiday schedule: it may move when the official one "
            "is entered."
        ),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=25, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(
        _("reason and advice given"),
        max_length=limits.SUMMARY,
        blank=True,
        help_text=_("Why, and where the parties were guided (e.g. to litigation)."),
    )
    referred_to = models.CharField(_("referred to"), max_length=limits.ORGANISATION, blank=True)
    referral_reference = models.CharField(
        _("referral reference"), max_length=limits.REFERENCE, blank=True
    )
    # Archiving (归档) files a closed case under a volume number (卷号) of its committee,
    # issued once: unique in the committee, never changed; the case is read-only from then
    # on (``cases.access.refuse_if_archived``).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    volume_no = models.CharField(_("volume number"), max_length=limits.REFERENCE, blank=True)
    # When the file's retention period ended and its files and contact details were removed
    # (``cases.documents.retention``); the case itself, its timeline and its figures stay.
    purged_at = models.DateTimeField(_("case file destroyed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = CaseQuerySet.as_manager()

    if TYPE_CHECKING:
        # django-fsm's mixin decorates its __init__ with typing.override, which Python 3.11
        # lacks: without this, mypy takes the class itself (Case.objects, …) for Any.
        def __init__(self, *args: Any, **kwargs: Any) -> None: ...

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at", "-pk"]
        permissions = [("advise_case", _("Can advise on a case"))]
        constraints = [
            models.UniqueConstraint(
                fields=["numbered_by", "number_year", "number_seq"], name="one_number_per_case"
            ),
            models.CheckConstraint(
                name="advice_is_never_numbered",
                condition=~Q(kind=Kind.ADVICE) | Q(number=""),
            ),
            # 预防效果: a flag counts its persons (at least one), no flag counts none
            *(
                models.CheckConstraint(
                    name=f"prevented_{harm}_has_persons",
                    condition=Q(**{f"prevented_{harm}": True, f"prevented_{harm}_persons__gte": 1})
                    | Q(**{f"prevented_{harm}": False, f"prevented_{harm}_persons": 0}),
                )
                for harm in PREVENTED_HARMS
            ),
            models.UniqueConstraint(
                fields=["committee", "volume_no"],
                condition=~Q(volume_no=""),
                name="one_volume_per_committee",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state"], name="case_community_state"),
            # The case list: a community's (or street's) newest first.
            models.Index(fields=["community", "-registered_at"], name="case_community_newest"),
            # …and of one kind (disputes or advice): counted from the index alone.
            models.Index(
                fields=["community", "kind", "-registered_at"], name="case_community_kind_newest"
            ),
            models.Index(fields=["street", "-registered_at"], name="case_street_newest"),
            models.Index(fields=["-registered_at"], name="case_newest"),
            models.Index(fields=["street", "level"], name="case_street_level"),
            models.Index(fields=["state", "mediation_due"], name="case_state_due"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Case %(pk)s (not yet numbered)") % {"pk": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    # Derived facts used by the guards and the pages (prefetched on the detail page).

    @property
    def open_consultation(self) -> JointConsultation | None:
        return next((c for c in self.consultations.all() if c.concluded_at is None), None)

    @property
    def current_agreement(self) -> Agreement | None:
        agreements = list(self.agreements.all())
        corrected = {a.supersedes_id for a in agreements if a.supersedes_id}
        current = [a for a in agreements if a.pk not in corrected]
        return max(current, key=lambda a: (a.version, a.pk), default=None)

    @property
    def retention_ends(self) -> date | None:
        """The day the case file may be destroyed: 1 January of the year after it was archived
        (closed, if it never was), plus the committee's retention years. None while the case
        is open, and when its committee keeps files permanently."""
        began = self.archived_at or self.closed_at
        years = self.committee.retention_years
        if began is None or years is None:
            return None
        return date(timezone.localdate(began).year + 1 + years, 1, 1)

    @property
    def current_attachments(self) -> list[Attachment]:
        """The case's files, less those withdrawn (prefetched on the detail page)."""
        return [a for a in self.attachments.all() if a.withdrawn_at is None]

    @property
    def withdrawn_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments.all() if a.withdrawn_at is not None]

    def declared(self, name: str) -> Any:
        """django-fsm's declaration of transition ``name`` from the current state (its
        conditions and permission), or None when the case cannot take it now. The only
        reader of django-fsm's internals."""
        return getattr(self, name)._django_fsm.get_transition(self.state)

    def permits(self, name: str, user: User | AnonymousUser) -> bool:
        """Whether ``user`` holds the permission of transition ``name`` from the current
        state (conditions aside: those say *when*, this says *who*)."""
        found = self.declared(name)
        return found is not None and found.has_perm(self, user)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def difficulty_definition(self) -> str:
        """What the case's difficulty grade means (empty when not graded)."""
        if not self.difficulty:
            return ""
        return str(DIFFICULTY_DEFINITIONS[Difficulty(self.difficulty)])

    @property
    def prevented(self) -> list[tuple[str, int]]:
        """预防效果 as recorded: (the harm, its persons) of each flag set, in the report's
        order."""
        return [
            (
                str(cast(models.Field, self._meta.get_field(f"prevented_{harm}")).verbose_name),
                getattr(self, f"prevented_{harm}_persons"),
            )
            for harm in PREVENTED_HARMS
            if getattr(self, f"prevented_{harm}")
        ]

    @property
    def is_overdue(self) -> bool:
        # overdue_cases() on one case in memory (Q.check would ask the database)
        return (
            self.state in ACTIVE_STATES
            and self.mediation_due is not None
            and self.mediation_due < timezone.localdate()
        )

    # --- The state machine ------------------------------------------------------------------

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.SIT_IN,
        conditions=[is_dispute, parties_ready],
        permission=_permission("accept"),
    )
    def accept(self) -> None:
        """Accept the dispute for sit-in mediation at the clinic (受理)."""

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.PATROL,
        conditions=[is_dispute, parties_ready],
        permission=_permission("dispatch"),
    )
    def dispatch(self) -> None:
        """Accept the dispute and send mediators to the parties (巡诊)."""

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.CLOSED,
        conditions=[is_advice, has_answer],
        permission=_permission("answer"),
    )
    def answer_question(self) -> None:
        """Answer a legal question and close it (法律咨询)."""

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.CLOSED,
        conditions=[is_dispute, has_outcome_note],
        permission=_permission("decline"),
    )
    def decline(self) -> None:
        """Decline the dispute (不予受理): out of scope, a party refuses, or a duplicate."""

    @transition(
        field=state,
        source=[State.SIT_IN, State.PATROL],
        target=RETURN_VALUE(State.SIT_IN, State.PATROL),
        permission=_permission("manage"),
    )
    def switch_mode(self) -> str:
        """Move between sit-in at the clinic and patrol visits."""
        return State.PATROL if self.state == State.SIT_IN else State.SIT_IN

    @transition(
        field=state,
        source=[State.SIT_IN, State.PATROL],
        target=State.JOINT_CONSULTATION,
        conditions=[consultation_invited],
        permission=_permission("manage"),
    )
    def convene(self) -> None:
        """Convene a joint consultation of several professionals (会诊)."""
        self.mode_before_consultation = self.state

    @transition(
        field=state,
        source=State.JOINT_CONSULTATION,
        target=RETURN_VALUE(State.SIT_IN, State.PATROL),
        conditions=[joint_opinion_recorded],
        permission=_permission("manage"),
    )
    def conclude(self) -> str:
        """Conclude the joint consultation and return to the mode before it."""
        return self.mode_before_consultation or State.SIT_IN

    @transition(
        field=state,
        source=[State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION],
        target=State.FOLLOW_UP,
        conditions=[is_dispute, nobody_refuses, agreement_effective],
        permission=_permission("settle"),
    )
    def settle(self) -> None:
        """Record the settlement; the return visit (复诊) follows."""

    @transition(
        field=state,
        source=State.FOLLOW_UP,
        target=State.CLOSED,
        conditions=[performed],
        permission=_permission("follow_up"),
    )
    def complete_follow_up(self) -> None:
        """Close the case once a follow-up found the agreement performed."""

    @transition(
        field=state,
        source=State.FOLLOW_UP,
        target=State.SIT_IN,
        conditions=[reopen_allowed],
        permission=_permission("manage"),
    )
    def reopen(self) -> None:
        """Mediate again: the court refused confirmation or both parties asked."""

    @transition(
        field=state,
        source=[State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION],
        target=State.CLOSED,
        conditions=[has_outcome_note],
        permission=_permission("manage"),
    )
    def terminate(self) -> None:
        """End mediation without agreement: failed, withdrawn, refused or referred out."""


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's per-case grants to people, with a real foreign key to the case."""

    content_object = models.ForeignKey(Case, models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, models.CASCADE)


class CaseNumberSequence(models.Model):
    """The last number a committee issued in a year; locked while a new number is taken."""

    committee = models.ForeignKey(MediationCommittee, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, default="case")  # "case" or "visit"
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case-number sequence")
        verbose_name_plural = _("case-number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "kind"], name="one_sequence_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.year}: {self.last}"
