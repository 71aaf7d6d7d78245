"""The disputes: cases, their parties, timeline, records, agreements, advice, joint
consultations, follow-ups and attachments.

The state machine of a case is declared here with ``@transition``: each transition's source,
target, conditions (guards) and permission. The *doing* lives in ``cases/actions.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
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
    OPEN_STATES,
    AgreementForm,
    AttachmentKind,
    Confirmation,
    DisputeType,
    EventKind,
    FollowUpMethod,
    Gender,
    IdType,
    InviteResponse,
    JobStatus,
    Kind,
    Level,
    NoticeMethod,
    Outcome,
    Performance,
    Risk,
    Side,
    Source,
    State,
    VisitOutcome,
    VisitStatus,
)
from clinic.lib.encrypted import EncryptedCharField
from clinic.models import Clinic, Community, Grid, MediationCommittee, Street
from scheduling.models import Commitment

# --- Guards and permissions of transitions ---------------------------------------------------


def guard(
    message: str, *, from_form: bool = False
) -> Callable[[Callable[[Case], bool]], Callable[[Case], bool]]:
    """Attach the message shown when a transition's condition does not hold. ``from_form``
    marks a condition that the transition's own form fulfils (a reason, an opinion)."""

    def mark(condition: Callable[[Case], bool]) -> Callable[[Case], bool]:
        condition.message = message  # type: ignore[attr-defined]
        condition.from_form = from_form  # type: ignore[attr-defined]
        return condition

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
        "Every party must have consented to mediation and been told their rights and duties, "
        "and there must be an applicant and a respondent."
    )
)
def parties_ready(case: Case) -> bool:
    principals = [p for p in case.parties.all() if p.side != Side.AGENT]
    sides = {p.side for p in principals}
    return (
        Side.APPLICANT in sides
        and Side.RESPONDENT in sides
        and all(p.consented_at and p.notified_at and not p.refused_at for p in principals)
    )


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


def _permission(rule: str) -> Callable[[Case, Any], bool]:
    def check(case: Case, user: Any) -> bool:
        from cases import access

        return access.may_fire(user, case, rule)

    check.__name__ = f"may_{rule}"
    return check


# --- Case --------------------------------------------------------------------------------------


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
)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        from cases import access

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

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    dispute_type = models.CharField(_("dispute type"), max_length=25, choices=DisputeType.choices)
    summary = models.TextField(_("summary"), help_text=_("What the dispute or question is about."))
    answer = models.TextField(_("answer given"), blank=True)
    amount_involved = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_agreed = models.DecimalField(
        _("amount agreed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
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
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, blank=True, default="")

    level = models.CharField(
        _("level"), max_length=15, choices=Level.choices, default=Level.COMMUNITY
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_reason = models.TextField(_("reason for escalation"), blank=True)

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
        blank=True,
        help_text=_("Why, and where the parties were guided (e.g. to litigation)."),
    )
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    referral_reference = models.CharField(_("referral reference"), max_length=100, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    volume_no = models.CharField(_("volume number"), max_length=40, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at", "-pk"]
        permissions = [("advise_case", _("Can advise on a case"))]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number_year", "number_seq"], name="one_number_per_case"
            ),
            models.CheckConstraint(
                name="advice_is_never_numbered",
                condition=~Q(kind=Kind.ADVICE) | Q(number=""),
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
        return reverse("cases:detail", args=[self.pk])

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

    def permits(self, name: str, user: Any) -> bool:
        """Whether ``user`` holds the permission of transition ``name`` from the current
        state (conditions aside: those say *when*, this says *who*)."""
        found = getattr(self, name)._django_fsm.get_transition(self.state)
        return found is not None and found.has_perm(self, user)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

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
        permission=_permission("accept"),
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
        permission=_permission("accept"),
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


class CaseEvent(models.Model):
    """One line of a case's timeline, append-only: who did what, from which state to which,
    with a note and structured details. Written in the same transaction as the change."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    transition = models.CharField(_("transition"), max_length=30, blank=True)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Case events are append-only.")


class PartyQuerySet(models.QuerySet):
    def named_in_lists(self) -> PartyQuerySet:
        """The parties a case's row in a list names: not the agents, applicants first."""
        return self.exclude(side=Side.AGENT).order_by("side", "pk")


class Party(models.Model):
    """A party to a case: applicant, respondent, third party or an agent of one of them.

    ID numbers and phones are stored encrypted, with keyed hashes for exact matching.
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="parties", verbose_name=_("case"))
    side = models.CharField(_("side"), max_length=15, choices=Side.choices)
    represents = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("agent of"),
    )
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    id_type = models.CharField(
        _("identity document"), max_length=15, choices=IdType.choices, blank=True
    )
    id_number = EncryptedCharField(_("document number"), blank=True, max_plain_length=30)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("phone"), blank=True, max_plain_length=20)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField(
        _("address (to the building)"),
        max_length=200,
        blank=True,
        help_text=_("For example 金江路社区 12 栋"),
    )
    room = models.CharField(_("unit and room"), max_length=50, blank=True)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    minor = models.BooleanField(_("minor"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter or dialect"), default=False)

    consented_at = models.DateTimeField(_("consented to mediation"), null=True, blank=True)
    notified_at = models.DateTimeField(_("told rights and duties"), null=True, blank=True)
    notice_method = models.CharField(
        _("how they were told"), max_length=10, choices=NoticeMethod.choices, blank=True
    )
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told by"),
    )
    refused_at = models.DateTimeField(_("refused mediation"), null=True, blank=True)
    refusal_note = models.CharField(_("refusal"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "side", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def special_groups(self) -> list[str]:
        flags = [
            (self.elderly_alone, _("elderly living alone")),
            (self.disabled, _("disabled")),
            (self.minor, _("minor")),
            (self.needs_interpreter, _("needs an interpreter or dialect")),
        ]
        return [str(label) for on, label in flags if on]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Attachment(models.Model):
    """A scan or photo on a case, checked by content, stored outside the web root and served
    only through a view that checks access."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class MediationRecord(models.Model):
    """A mediation record (调解笔录): when, where, who attended, what each side said, result."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="records", verbose_name=_("case"))
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100)
    attendees = models.TextField(_("attendees"))
    statements = models.TextField(_("what each side said"))
    result = models.TextField(_("result"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("mediation record")
        verbose_name_plural = _("mediation records")
        ordering = ["held_at", "pk"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.place}"


class Agreement(models.Model):
    """A mediation agreement: written (调解协议书) or an oral agreement registered
    (口头协议登记). Effective once signed; then read-only: a correction is a new version."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="agreements", verbose_name=_("case")
    )
    form = models.CharField(_("form"), max_length=10, choices=AgreementForm.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("reason for correction"), max_length=200, blank=True)
    facts = models.TextField(_("facts and the dispute"))
    responsibilities = models.TextField(_("each side's responsibility"), blank=True)
    terms = models.TextField(_("agreed terms"))
    performance_manner = models.TextField(_("how the terms are performed"), blank=True)
    performance_deadline = models.DateField(_("performed by"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=3, help_text=_("One for each party and one for the committee.")
    )
    signed_on = models.DateField(
        _("effective on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the parties signed and the committee sealed (or the oral agreement "
            "was registered)."
        ),
    )
    confirmation = models.CharField(
        _("judicial confirmation"), max_length=10, choices=Confirmation.choices, blank=True
    )
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_reference = models.CharField(_("court reference"), max_length=100, blank=True)
    confirmation_applied_on = models.DateField(_("applied on"), null=True, blank=True)
    confirmation_decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["case", "version", "pk"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def is_complete(self) -> bool:
        """Every field the law requires of this form of agreement is filled in."""
        required = [self.facts, self.terms]
        if self.form == AgreementForm.WRITTEN:
            required += [self.responsibilities, self.performance_manner]
            return all(v.strip() for v in required) and self.copies >= 2
        return all(v.strip() for v in required)


class PerformanceItem(models.Model):
    """One thing the agreement requires by a date: an instalment, an apology, a repair."""

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="items", verbose_name=_("agreement")
    )
    description = models.CharField(_("what"), max_length=200)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(_("due on"))
    performed_on = models.DateField(_("performed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("performance item")
        verbose_name_plural = _("performance items")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.description}"


class Advice(models.Model):
    """A professional's advice on a case: who gave it, in which role, when. A judge who advised
    can later recuse from hearing the same dispute."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="advice", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    role = models.CharField(_("role"), max_length=20)
    text = models.TextField(_("advice"))
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("professional advice")
        verbose_name_plural = _("professional advice")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} {self.given_at:%Y-%m-%d}"


class JointConsultation(models.Model):
    """A joint consultation (会诊): several professionals of different roles on one dispute,
    ending in one joint opinion."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="consultations", verbose_name=_("case")
    )
    question = models.TextField(_("question put to the professionals"))
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("convened by")
    )
    convened_at = models.DateTimeField(_("convened"), default=timezone.now)
    joint_opinion = models.TextField(_("joint opinion"), blank=True)
    attended = models.TextField(_("who attended"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    meeting = models.OneToOneField(
        "ConsultationSlot",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed meeting time"),
    )

    class Meta:
        verbose_name = _("joint consultation")
        verbose_name_plural = _("joint consultations")
        ordering = ["convened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.convened_at:%Y-%m-%d}"


class ConsultationInvitee(models.Model):
    """A professional invited to a joint consultation, in one of their roles."""

    consultation = models.ForeignKey(
        JointConsultation, models.CASCADE, related_name="invitees", verbose_name=_("consultation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("professional")
    )
    role = models.CharField(_("role"), max_length=20)
    response = models.CharField(
        _("answer"), max_length=10, choices=InviteResponse.choices, blank=True, default=""
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    available = models.ManyToManyField(
        "ConsultationSlot", blank=True, related_name="available", verbose_name=_("can attend")
    )
    opinion = models.TextField(_("own opinion (观点)"), blank=True)
    opinion_at = models.DateTimeField(_("opinion given"), null=True, blank=True)
    commitment = models.OneToOneField(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invited professional")
        verbose_name_plural = _("invited professionals")
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="invite_once")]

    def __str__(self) -> str:
        return str(self.user)


class ConsultationSlot(models.Model):
    """A time proposed for a joint consultation's meeting."""

    consultation = models.ForeignKey(
        JointConsultation, models.CASCADE, related_name="slots", verbose_name=_("consultation")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=100)

    class Meta:
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M} {self.place}"


class FollowUp(models.Model):
    """A return visit (回访) after settlement: was the agreement performed, is the conflict
    back? Not performed means urging and a new follow-up, not a reopened case."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    agreement = models.ForeignKey(
        Agreement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("assigned to"),
    )
    method = models.CharField(
        _("method"), max_length=10, choices=FollowUpMethod.choices, blank=True
    )
    performance = models.CharField(
        _("agreement performed"), max_length=10, choices=Performance.choices, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    new_risk = models.TextField(_("new risk"), blank=True)
    urged = models.BooleanField(_("performance urged (督促履行)"), default=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


# --- Home visits (巡诊) ------------------------------------------------------------------------


class VisitRequestQuerySet(models.QuerySet):
    def for_board(self) -> VisitRequestQuerySet:
        return self.select_related("grid__community", "community", "requested_by").prefetch_related(
            models.Prefetch("assignees", queryset=VisitAssignee.objects.select_related("user")),
            "photos",
        )


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.request_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class VisitRequest(models.Model):
    """A grid worker's request for a home visit (巡诊) to a resident of their grid."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="visit_requests", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Grid, models.PROTECT, related_name="visit_requests", verbose_name=_("grid")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="visit_requests",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    resident_name = models.CharField(_("resident"), max_length=60)
    resident_phone = EncryptedCharField(_("resident's phone"), blank=True, max_plain_length=20)
    address = models.CharField(_("address (to the building)"), max_length=200)
    room = models.CharField(_("unit and room"), max_length=50, blank=True)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    minor = models.BooleanField(_("minor"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter or dialect"), default=False)
    problem = models.TextField(_("what the problem is"))
    dispute_type = models.CharField(
        _("dispute type"), max_length=25, choices=DisputeType.choices, blank=True
    )
    risk = models.CharField(_("urgency"), max_length=10, choices=Risk.choices, blank=True)
    preferred_times = models.CharField(_("preferred times"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED
    )
    visit_starts_at = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_ends_at = models.DateTimeField(_("visit until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=VisitOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("what was done"), blank=True)
    case = models.ForeignKey(
        Case,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_requests",
        verbose_name=_("case"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("home-visit request")
        verbose_name_plural = _("home-visit requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="visit_community_status")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:visit", args=[self.pk])

    @property
    def special_groups(self) -> list[str]:
        flags = [
            (self.elderly_alone, _("elderly living alone")),
            (self.disabled, _("disabled")),
            (self.minor, _("minor")),
            (self.needs_interpreter, _("needs an interpreter or dialect")),
        ]
        return [str(label) for on, label in flags if on]


class VisitAssignee(models.Model):
    """A professional sent on a home visit, with the time it takes from their calendar."""

    request = models.ForeignKey(
        VisitRequest, models.CASCADE, related_name="assignees", verbose_name=_("request")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("professional")
    )
    role = models.CharField(_("role"), max_length=20)
    commitment = models.OneToOneField(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("visiting professional")
        verbose_name_plural = _("visiting professionals")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="visit_assignee_once")
        ]

    def __str__(self) -> str:
        return str(self.user)


class VisitPhoto(models.Model):
    """A photo of a request: checked by content, GPS stripped, outside the web root."""

    request = models.ForeignKey(
        VisitRequest, models.CASCADE, related_name="photos", verbose_name=_("request")
    )
    file = models.FileField(upload_to=visit_photo_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"


class BackgroundJob(models.Model):
    """Work done in the background for one person (a bound case file, a large export).

    ``cases.jobs.run_job`` claims it once (pending → running), records progress as it goes and
    ends it done, or failed with the error's message; a running job silent for longer than
    ``cases.jobs.SILENCE_LIMIT`` is failed as timed out when its page is next looked at, so
    no page polls forever."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heard_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_waiting(self) -> bool:
        """Still to be finished: the page keeps refreshing itself."""
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)


def document_path(instance: DocumentJob, filename: str) -> str:
    return f"documents/{instance.case_id}/{instance.pk}.pdf"


class DocumentJob(BackgroundJob):
    """A bound case file being rendered in the background, with its progress and result."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="document_jobs", verbose_name=_("case")
    )
    kind = models.CharField(_("document"), max_length=20, default="casefile")
    file = models.FileField(upload_to=document_path, max_length=200, blank=True)
    reveal_ids = models.BooleanField(default=False)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.status}"


class StatisticsFiling(models.Model):
    """A period's figures as the street office filed them upward: frozen. Later changes to
    cases of that period show as corrections against it, never as silent changes."""

    street = models.ForeignKey(
        Street, models.PROTECT, related_name="filings", verbose_name=_("street")
    )
    first = models.DateField(_("from"))
    last = models.DateField(_("until"))
    label = models.CharField(_("period"), max_length=40)
    snapshot = models.JSONField(_("figures as filed"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        verbose_name = _("filed report")
        verbose_name_plural = _("filed reports")
        ordering = ["-first"]
        constraints = [
            models.UniqueConstraint(fields=["street", "first", "last"], name="file_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.label}"


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.pk}-{filename}"


class ExportJob(BackgroundJob):
    """A large export (every case of a scope and period) written in the background."""

    scope = models.CharField(_("scope"), max_length=40)
    period = models.CharField(_("period"), max_length=40)
    format = models.CharField(
        _("format"), max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel")], default="csv"
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.status}"
