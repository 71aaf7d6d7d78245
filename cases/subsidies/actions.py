"""以案定补's changes: the district's rule saved, a file reviewed, a statement approved. Each
runs in one transaction and is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.changes import ActionRefused
from cases.models import OUTCOME_CLASSES, Case, FileReview, SubsidyRule, SubsidyStatement
from cases.subsidies import statement as statements
from clinic import audit
from clinic.choices import AuditEvent
from clinic.lib.versions import Claim, Stale, bump
from clinic.models import District, Street, User
from clinic.notify.dispatch import notify


def _rule_values(rule: SubsidyRule) -> dict[str, Any]:
    return {
        "rates": rule.rates,
        "file_bonus": str(rule.file_bonus),
        "monthly_cap": None if rule.monthly_cap is None else str(rule.monthly_cap),
        "basis": rule.basis,
    }


@transaction.atomic
def do_save_subsidy_rule(
    district: District,
    *,
    actor: User,
    valid_from: date,
    rates: dict[str, dict[str, str]],
    file_bonus: Decimal,
    monthly_cap: Decimal | None,
    basis: str,
    claim: Claim | None = None,
    request: HttpRequest | None = None,
) -> SubsidyRule:
    """Save the district's rule from ``valid_from``: a new rule, or the one of that month
    changed. ``claim`` is the page's form's: the rule it showed (none: version 0) must still be
    the stored one, else ``Stale`` with what the other admin changed (without a form, the
    stored rule is taken as it is). The audit entry holds the values before and after."""
    valid_from = valid_from.replace(day=1)
    rule = (
        SubsidyRule.objects.select_for_update()
        .filter(district=district, valid_from=valid_from)
        .first()
    )
    before = _rule_values(rule) if rule else None
    if rule is None:
        rule = SubsidyRule(district=district, valid_from=valid_from)
    else:
        (claim or bump)(rule)
    rule.rates, rule.file_bonus, rule.monthly_cap, rule.basis = (
        rates,
        file_bonus,
        monthly_cap,
        basis.strip(),
    )
    rule.changed_by, rule.changed_at = actor, timezone.now()
    if rule.pk is None:
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError:
            # another admin created it meanwhile: the claim fails on it and re-arms the form
            saved = SubsidyRule.objects.get(district=district, valid_from=valid_from)
            if claim is not None:
                claim(saved)
            raise Stale(str(_("Someone else saved a rule for this month meanwhile."))) from None
    else:
        rule.save(update_fields=[*_rule_values(rule), "changed_by", "changed_at"])
    audit.record(
        AuditEvent.SUBSIDY_RULE_CHANGED,
        request=request,
        user=actor,
        obj=rule,
        detail={
            "district": district.name,
            "valid_from": f"{valid_from:%Y-%m}",
            "before": before,
            "after": _rule_values(rule),
        },
    )
    return rule


def check_reviewable(case: Case) -> None:
    """Only a concluded dispute's file is reviewed (a case that a rule would pay)."""
    if case.outcome not in OUTCOME_CLASSES:
        raise ActionRefused(
            [_("Only the file of a concluded dispute is reviewed: this case has not concluded.")]
        )


@transaction.atomic
def do_review_file(
    case: Case,
    *,
    actor: User,
    verdict: str,
    defects: list[str],
    note: str,
    seen_review: int | None,
    request: HttpRequest | None = None,
) -> FileReview:
    """Record a review of the case's file. The case row is locked while the latest review is
    compared with the one the reviewer saw (``seen_review``; None: none): two reviewers at
    once, the second is ``Stale``. Earlier reviews stay (a failed file reviewed again)."""
    locked = Case.objects.select_for_update().filter(pk=case.pk).values_list("outcome", flat=True)
    case.outcome = locked.get()
    check_reviewable(case)
    latest = case.file_reviews.order_by("-reviewed_at", "-pk").values_list("pk", flat=True).first()
    if latest != seen_review:
        raise Stale(
            str(
                _(
                    "Someone else reviewed this file meanwhile: read their review below and "
                    "send yours again if it still stands."
                )
            )
        )
    review = FileReview.objects.create(
        case=case, verdict=verdict, defects=defects, note=note.strip(), reviewer=actor
    )
    audit.record(
        AuditEvent.FILE_REVIEWED,
        request=request,
        user=actor,
        obj=case,
        detail={"verdict": verdict, "defects": defects, "review": review.pk},
    )
    return review


def statement_url(street: Street, mediator: User, month: date) -> str:
    return reverse("cases:subsidy_statement", args=[street.pk, mediator.pk, f"{month:%Y-%m}"])


@transaction.atomic
def do_approve_statement(
    street: Street,
    mediator: User,
    month: date,
    *,
    actor: User,
    seen: str,
    request: HttpRequest | None = None,
) -> SubsidyStatement:
    """审批: freeze the mediator's statement of the month as computed now, which must be what
    the approver saw (``seen``, its digest), else ``Stale``; approved once only (a second
    approver at the same time is ``Stale``). Refused while a case is ungraded (待定级) or its
    file unreviewed (待评查): frozen, it would stay at nothing; a failed file (不合格) is a
    verdict and may be frozen. The mediator is told."""
    computed = statements.statement(street, mediator, month)
    if computed.frozen is not None:
        raise Stale(str(_("This statement was approved meanwhile.")))
    if computed.digest() != seen:
        raise Stale(
            str(
                _(
                    "The statement changed since the page was shown (a grade, a review or a "
                    "case): check it as it is now and approve again."
                )
            )
        )
    if not computed.lines:
        raise ActionRefused([_("There is nothing to approve: no case concluded this month.")])
    if waiting := computed.undecided:
        raise ActionRefused(
            [
                _(
                    "This statement cannot be approved yet: %(cases)s still await a grade or a "
                    "file review, and approving would freeze them at nothing. Grade them and "
                    "have their files reviewed first (a failed file may be approved as it is)."
                )
                % {"cases": "、".join(line.number or f"#{line.case_id}" for line in waiting)}
            ]
        )
    try:
        with transaction.atomic():
            frozen = SubsidyStatement.objects.create(
                street=street,
                mediator=mediator,
                month=computed.month,
                rule=computed.rule,
                lines=[line.as_dict() for line in computed.lines],
                subtotal=computed.subtotal,
                cap=computed.cap,
                total=computed.total,
                approved_by=actor,
            )
    except IntegrityError:
        raise Stale(str(_("This statement was approved meanwhile."))) from None
    audit.record(
        AuditEvent.SUBSIDY_APPROVED,
        request=request,
        user=actor,
        obj=frozen,
        detail={
            "street": street.name,
            "mediator": str(mediator),
            "month": f"{computed.month:%Y-%m}",
            "total": str(frozen.total),
            "cases": len(computed.lines),
        },
    )
    notify(
        "subsidies.statement_approved",
        {"month": f"{computed.month:%Y-%m}", "total": str(frozen.total)},
        [mediator],
        key=f"subsidy:{frozen.pk}:approved",
        url=statement_url(street, mediator, computed.month),
    )
    return frozen
