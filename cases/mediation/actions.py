"""调解: mediation records, agreements and their performance items, advice notes and files, and
how mediation ends (settle, terminate, refer out) or goes on (switch mode, escalate, extend,
reopen); the daily case reminders."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import dates, deadlines, timeline
from cases.changes import (
    ActionRefused,
    StaleCase,
    fire,
    hand_to_street,
    save_case,
    touch,
    unmet_conditions,
    work_calendar,
)
from cases.changes import (
    claim as claim_case,
)
from cases.choices import (
    AgreementForm,
    AttachmentKind,
    Level,
    Outcome,
    State,
)
from cases.follow_ups.actions import follow_up_dates
from cases.meetings import release_meeting
from cases.models import (
    Advice,
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    CaseReopening,
    FollowUp,
    MediationRecord,
    Party,
    PerformanceItem,
)
from cases.people import coordinators
from clinic.lib.uploads import CheckedUpload
from clinic.lib.versions import Claim, bump
from clinic.models import User
from clinic.notify.digest import remind
from clinic.notify.dispatch import notify
from clinic.notify.notices import day, ref
from scheduling.actions import do_release_commitment


@transaction.atomic
def do_switch_mode(case: Case, *, actor: User, version: int | None, note: str = "") -> CaseEvent:
    return fire(case, "switch_mode", actor=actor, version=version, note=note)


@transaction.atomic
def do_settle_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    amount_agreed: Decimal | None = None,
    follow_up_assignee: User | None = None,
) -> CaseEvent:
    """调解成功: the effective agreement settles the case; follow-ups are due on the
    performance dates (one per instalment), or 30 days after settlement."""
    agreement = case.current_agreement
    if agreement is None:
        raise ActionRefused(unmet_conditions(case, "settle"))
    case.outcome = (
        Outcome.SETTLED_WRITTEN if agreement.form == AgreementForm.WRITTEN else Outcome.SETTLED_ORAL
    )
    if amount_agreed is not None:
        case.amount_agreed = amount_agreed
    case.settled_at = timezone.now()
    release_meeting(case.open_consultation)
    event = fire(
        case,
        "settle",
        actor=actor,
        version=version,
        details={"agreement": agreement.pk, "form": agreement.form},
    )
    assignee = follow_up_assignee or case.mediator or actor
    dates = follow_up_dates(agreement, timezone.localdate())
    for due_on, item in dates:
        FollowUp.objects.create(
            case=case, agreement=agreement, performance_item=item, due_on=due_on, assignee=assignee
        )
    notify(
        "cases.follow_up_assigned",
        {"case": ref(case), "due": day(min(d for d, _i in dates))},
        [assignee],
        key=f"case:{case.pk}:follow_ups:{case.settled_at.isoformat()}",
        url=reverse(
            "cases:record_follow_up",
            args=[FollowUp.objects.filter(case=case).earliest("due_on").pk],
        ),
    )
    return event


@transaction.atomic
def do_reopen_case(
    case: Case, *, actor: User, version: int | None, reason: str, both_parties_ask: bool
) -> CaseEvent:
    """重新调解: the case is mediated again. The settlement it had is kept as a
    ``CaseReopening`` (the period it was settled in still counts it; the reopening counts as a
    re-acceptance in its own), and its pending follow-ups are cancelled, not deleted."""
    if both_parties_ask:
        case.both_parties_ask_again = True
    earlier: dict[str, Any] = {}

    def prepare() -> dict[str, Any]:
        last = CaseReopening.objects.filter(case=case).order_by("-at", "-pk").first()
        earlier.update(
            accepted_at=last.at if last is not None else case.accepted_at,
            outcome=case.outcome,
            level=case.level,
            settled_at=case.settled_at,
            closed_at=case.closed_at,
            amount_agreed=case.amount_agreed,
            mediation_due=case.mediation_due,
            agreement=case.current_agreement,
        )
        case.both_parties_ask_again = False
        case.settled_at = None
        case.outcome = ""
        # mediated again: a new mediation period from today, as at acceptance
        case.mediation_due, case.mediation_due_provisional = deadlines.mediation_due(
            work_calendar(), timezone.localdate()
        )
        return {
            "both_parties_ask": both_parties_ask,
            "mediation_due": case.mediation_due.isoformat(),
        }

    event = fire(case, "reopen", actor=actor, version=version, note=reason, prepare=prepare)
    CaseReopening.objects.create(case=case, at=event.at, by=actor, reason=reason, **earlier)
    pending = FollowUp.objects.filter(case=case).pending()
    for planned in pending.filter(appointment__isnull=False).select_related("appointment"):
        if planned.appointment is not None:
            do_release_commitment(planned.appointment)  # out of the assignee's calendar
    pending.update(cancelled_at=event.at, row_version=F("row_version") + 1)
    return event


@transaction.atomic
def do_terminate_case(
    case: Case, *, actor: User, version: int | None, outcome: str, note: str
) -> CaseEvent:
    """终止调解: failed (with the advice given), withdrawn, or a party refuses."""
    case.outcome, case.outcome_note = outcome, note
    release_meeting(case.open_consultation)
    event = fire(case, "terminate", actor=actor, version=version, note=note)
    return event


@transaction.atomic
def do_escalate_case(case: Case, *, actor: User, version: int | None, reason: str) -> None:
    """Hand a community dispute to the street committee (大事不出街道): see
    ``cases.changes.hand_to_street``."""
    claim_case(case, version)
    hand_to_street(case, actor=actor, reason=reason)


@transaction.atomic
def do_refer_out(
    case: Case,
    *,
    actor: User,
    version: int | None,
    referred_to: str,
    reference: str,
    note: str,
) -> CaseEvent:
    """上交: the dispute leaves the street (to a court, the petitions office, a department).
    Sets the level and terminates mediation."""
    case.level = Level.REFERRED_OUT
    case.referred_to, case.referral_reference = referred_to, reference
    case.outcome, case.outcome_note = Outcome.REFERRED_OUT, note
    release_meeting(case.open_consultation)
    event = fire(
        case,
        "terminate",
        actor=actor,
        version=version,
        note=note,
        details={"referred_to": referred_to, "reference": reference},
    )
    return event


@transaction.atomic
def do_extend_deadline(
    case: Case, *, actor: User, version: int | None, new_due: date, reason: str, consent: str
) -> None:
    """Extend the one-month mediation period, with both parties' consent (recorded)."""
    claim_case(case, version)
    old = case.mediation_due
    case.mediation_due = new_due
    save_case(case, actor, ["mediation_due"])
    timeline.deadline_extended(
        case, actor=actor, old=old, new=new_due, reason=reason, consent=consent
    )


@transaction.atomic
def do_add_record(case: Case, *, actor: User, data: dict[str, Any]) -> MediationRecord:
    dates.check_record(case, data["held_at"])
    record = MediationRecord.objects.create(case=case, recorded_by=actor, **data)
    timeline.record_added(case, actor=actor, record=record)
    return record


@transaction.atomic
def do_save_agreement(
    case: Case,
    *,
    actor: User,
    data: dict[str, Any],
    agreement: Agreement | None = None,
    claim: Claim | None = None,
) -> Agreement:
    """Draft a new agreement or change an unsigned draft. Signed agreements are read-only.
    ``claim``: the draft form's, so that a change made by someone else since the form was
    shown is not reverted unseen."""
    dates.check_agreement_terms(case, data.get("performance_deadline"))
    if agreement is None:
        agreement = Agreement.objects.create(case=case, created_by=actor, **data)
        timeline.agreement_drafted(case, actor=actor, agreement=agreement)
        return agreement
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.is_signed:
        raise ActionRefused([_("A signed agreement cannot be changed; correct it instead.")])
    changes = changed_fields(locked, data)
    if not changes:
        return locked
    (claim or bump)(locked)
    for field, value in data.items():
        setattr(locked, field, value)
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save()
    timeline.agreement_edited(case, actor=actor, agreement=locked, changes=changes)
    return locked


def changed_fields(instance: Any, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """``{field: (old, new)}`` for each value of ``data`` that differs from ``instance``'s."""
    return {
        field: (getattr(instance, field), value)
        for field, value in data.items()
        if getattr(instance, field) != value
    }


@transaction.atomic
def do_sign_agreement(
    agreement: Agreement, *, actor: User, signed_on: date, claim: Claim | None = None
) -> None:
    """The parties signed and the committee sealed (or the oral agreement is registered): the
    agreement takes effect and the 30-day judicial-confirmation window opens. ``claim``: the
    signing form's, so that terms changed since it was shown are not signed unseen."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.signed_on is not None:
        raise StaleCase(_("Someone else recorded the signing meanwhile."))
    dates.check_signing(locked, signed_on)
    (claim or bump)(locked)
    locked.signed_on = signed_on
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save(update_fields=["signed_on"])
    agreement.signed_on = signed_on
    case = agreement.case
    case.confirmation_due, case.confirmation_due_provisional = deadlines.confirmation_due(
        work_calendar(), signed_on
    )
    claim_case(case, None)
    save_case(case, actor, ["confirmation_due", "confirmation_due_provisional"])
    timeline.agreement_signed(case, actor=actor, agreement=locked)


@transaction.atomic
def do_correct_agreement(
    agreement: Agreement, *, actor: User, reason: str, data: dict[str, Any]
) -> Agreement:
    """A correction of a signed agreement is a new version that supersedes it."""
    dates.check_agreement_terms(agreement.case, data.get("performance_deadline"))
    if Agreement.objects.filter(supersedes=agreement).exists():
        raise StaleCase(_("Someone else corrected this agreement meanwhile."))
    fields = {
        f: getattr(agreement, f)
        for f in (
            "form",
            "facts",
            "responsibilities",
            "terms",
            "performance_manner",
            "performance_deadline",
            "copies",
        )
    }
    changes = {f: (fields.get(f), value) for f, value in data.items() if fields.get(f) != value}
    fields.update(data)
    corrected = Agreement.objects.create(
        case=agreement.case,
        created_by=actor,
        version=agreement.version + 1,
        supersedes=agreement,
        correction_reason=reason,
        **fields,
    )
    for item in agreement.items.all():
        PerformanceItem.objects.create(
            agreement=corrected,
            description=item.description,
            amount=item.amount,
            due_on=item.due_on,
            performed_on=item.performed_on,
        )
    touch(agreement.case)
    timeline.agreement_corrected(
        agreement.case, actor=actor, agreement=corrected, reason=reason, changes=changes
    )
    return corrected


@transaction.atomic
def do_add_performance_item(
    agreement: Agreement, *, actor: User, data: dict[str, Any]
) -> PerformanceItem:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    locked.case = agreement.case
    if locked.is_signed:
        raise ActionRefused([_("A signed agreement cannot be changed; correct it instead.")])
    dates.check_performance_item(locked, data["due_on"])
    item = PerformanceItem.objects.create(agreement=locked, **data)
    timeline.performance_item_added(agreement.case, actor=actor, item=item)
    return item


@transaction.atomic
def do_update_confirmation(
    agreement: Agreement, *, actor: User, data: dict[str, Any], claim: Claim | None = None
) -> None:
    """Judicial confirmation (司法确认): applied, confirmed or refused, with court and number.
    ``claim``: the confirmation form's."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    locked.case = agreement.case
    dates.check_confirmation(
        locked, data.get("confirmation_applied_on"), data.get("confirmation_decided_on")
    )
    changes = changed_fields(locked, data)
    if changes:
        (claim or bump)(locked)
    for field, value in data.items():
        setattr(locked, field, value)
    locked._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    locked.save()
    timeline.confirmation_updated(agreement.case, actor=actor, agreement=locked, changes=changes)


@transaction.atomic
def do_add_advice(case: Case, *, actor: User, role: str, text: str) -> Advice:
    advice = Advice.objects.create(case=case, author=actor, role=role, text=text)
    timeline.advice_given(case, actor=actor, role=role, text=text)
    return advice


@transaction.atomic
def do_add_attachment(
    case: Case,
    *,
    actor: User,
    kind: str,
    upload: CheckedUpload,
    original_name: str,
    description: str = "",
    party: Party | None = None,
) -> Attachment:
    attachment = Attachment(
        case=case,
        kind=kind,
        party=party,
        description=description,
        original_name=original_name[:200],
        content_type=upload.content_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{upload.extension}", ContentFile(upload.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    timeline.attachment_added(case, actor=actor, attachment=attachment)
    return attachment


@transaction.atomic
def do_withdraw_attachment(attachment: Attachment, *, actor: User, reason: str) -> None:
    """Withdraw a wrong upload: it leaves the case's files and its case file (卷宗), but the
    file and its row stay until its retention ends; the timeline says who withdrew it and why.
    Not on an archived case (``touch`` refuses it); a file is withdrawn once."""
    case = attachment.case
    touch(case)
    now = timezone.now()
    withdrawn = Attachment.objects.filter(pk=attachment.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=reason
    )
    if not withdrawn:
        raise ActionRefused([_("This file was already withdrawn.")])
    attachment.withdrawn_at, attachment.withdrawn_by, attachment.withdrawal_reason = (
        now,
        actor,
        reason,
    )
    timeline.attachment_withdrawn(case, actor=actor, attachment=attachment, reason=reason)


@transaction.atomic
def do_add_power_of_attorney(
    agent: Party, *, actor: User, upload: CheckedUpload, original_name: str, description: str = ""
) -> Attachment:
    """File an agent's power of attorney (授权委托书) on the case, as theirs."""
    return do_add_attachment(
        agent.case,
        actor=actor,
        kind=AttachmentKind.POWER_OF_ATTORNEY,
        upload=upload,
        original_name=original_name,
        description=description or agent.name,
        party=agent,
    )


def do_send_case_reminders(today: date | None = None, *, actor: User | None) -> int:
    """Remind the mediators and coordinators of cases due within 3 days and of overdue ones,
    through their daily digest (``clinic.notify.digest.remind``: the case is an item of it
    while it is due, with how long it is overdue); the case's timeline says who was reminded,
    once a day. Returns how many people were reminded of a case for the first time today: a
    second run the same day reminds no one anew (and writes no event). ``actor`` is ``None``
    when the daily digest runs it (``collect_case_reminders``)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=3)
    sent = 0
    cases = (
        Case.objects.filter(
            state__in=(State.SIT_IN, State.PATROL, State.JOINT_CONSULTATION),
            mediation_due__lte=soon,
        )
        .select_related("mediator", "community")
        .order_by("pk")
    )
    for case in cases:
        due = case.mediation_due
        if due is None:  # the filter found a date: this tells the type checker
            continue
        with transaction.atomic():
            overdue = due < today
            reminded = remind(
                [case.mediator, *coordinators(case)],
                subject=f"case:{case.pk}:mediation_due",
                template="cases.mediation_overdue" if overdue else "cases.mediation_due",
                params={"due": day(due), "case": ref(case)},
                url=case.get_absolute_url(),
                due=due,
                today=today,
            )
            if reminded:
                timeline.reminder_sent(
                    case,
                    actor=actor,
                    about="mediation_due",
                    due=due,
                    overdue=overdue,
                    recipients=reminded,
                )
            sent += len(reminded)
    return sent


def collect_case_reminders(today: date) -> int:
    """The daily digest's collector (``cases/notices.py``) of the due and overdue cases."""
    return do_send_case_reminders(today, actor=None)
