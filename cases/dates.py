"""The order of a case's dates: one rule for everything that records when something happened.

    registration ≤ acceptance ≤ mediation records ≤ signing ≤ performance items
    a home visit's start ≤ its outcome;  a consultation's meeting ≤ its conclusion

and nothing that records what happened lies in the future. Registration is the day the resident
really came: it may be back-dated by up to ``CLINIC_BACKDATE_DAYS`` days (30 unless configured),
with a reason, and the timeline shows it as 补录 with the real entry time; acceptance and the
case number stay real-time.

The rule belongs to the record, not to one form: each action checks its dates here under the
case's lock (``check_*`` raise ``ValidationError`` keyed by the form field concerned, which the
page-submission helper shows beside that field), so a page, the demo seed and a command are held
to the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Agreement, Case, JointConsultation, MediationRecord, VisitRequest

#: A phone's clock may run a little ahead of the server's: "now" typed on it is still now.
CLOCK_SLACK = timedelta(minutes=5)

#: (what it is, when) — a bound a date may not precede.
Moment = tuple[str | Promise, date | datetime]

REGISTRATION = gettext_lazy("the registration")
ACCEPTANCE = gettext_lazy("the acceptance")
RECORD = gettext_lazy("the last mediation record")
SIGNING = gettext_lazy("the signing")
APPLICATION = gettext_lazy("the application")
VISIT = gettext_lazy("the visit's start")
MEETING = gettext_lazy("the consultation meeting")


def backdate_days() -> int:
    return int(settings.CLINIC_BACKDATE_DAYS)


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _precedes(value: date | datetime, bound: date | datetime) -> bool:
    if isinstance(value, datetime) and isinstance(bound, datetime):
        # the inputs are to the minute: "now" typed just after acceptance is not before it
        return value < bound.replace(second=0, microsecond=0)
    return _day(value) < _day(bound)


def _shown(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    return value.isoformat()


def problems(
    value: date | datetime, *, after: Iterable[Moment | None] = (), past: bool = True
) -> list[str]:
    """What is wrong with ``value``: before one of ``after``, or (``past``: it records what
    happened) in the future."""
    found = []
    if past:
        now = timezone.now()
        if (isinstance(value, datetime) and value > now + CLOCK_SLACK) or (
            not isinstance(value, datetime) and value > timezone.localdate()
        ):
            found.append(_("This records what happened: it cannot be in the future."))
    for moment in after:
        if moment is not None and _precedes(value, moment[1]):
            found.append(
                _("This cannot be before %(what)s (%(when)s).")
                % {"what": moment[0], "when": _shown(moment[1])}
            )
    return found


def check(
    field: str, value: date | datetime, *, after: Iterable[Moment | None] = (), past: bool = True
) -> None:
    """Raise ``ValidationError({field: …})`` when ``value`` breaks the order."""
    found = problems(value, after=after, past=past)
    if found:
        raise ValidationError({field: found})


# The named moments of a case


def registered(case: Case) -> Moment:
    return (REGISTRATION, case.registered_at)


def accepted(case: Case) -> Moment | None:
    return (ACCEPTANCE, case.accepted_at) if case.accepted_at else None


def last_record(case: Case) -> Moment | None:
    held = MediationRecord.objects.filter(case=case).order_by("-held_at").values_list("held_at")[:1]
    return (RECORD, held[0][0]) if held else None


def signed(agreement: Agreement) -> Moment | None:
    return (SIGNING, agreement.signed_on) if agreement.signed_on else None


# The checks, one per kind of record


def check_registration_day(day: date, reason: str) -> None:
    """The day the resident came: today, or up to ``backdate_days()`` back with a reason."""
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"came_on": _("The day the resident came cannot be in the future.")})
    if day < today - timedelta(days=backdate_days()):
        raise ValidationError(
            {
                "came_on": _("A case can be entered up to %(days)d days after the visit.")
                % {"days": backdate_days()}
            }
        )
    if day < today and not reason.strip():
        raise ValidationError(
            {"backdate_reason": _("Say why the case is entered after the day the resident came.")}
        )


def registration_time(day: date | None) -> datetime:
    """When a case registered for ``day`` counts as registered: now, or that day at the time
    of entry (the timeline keeps the real entry time)."""
    now = timezone.localtime()
    if day is None or day == now.date():
        return timezone.now()
    return now.replace(year=day.year, month=day.month, day=day.day)


def check_record(case: Case, held_at: datetime) -> None:
    check("held_at", held_at, after=[registered(case), accepted(case)])


def check_signing(agreement: Agreement, signed_on: date) -> None:
    """Signing follows acceptance and the mediation records; every performance item of the
    draft and its deadline fall on or after the signing."""
    case = agreement.case
    found = problems(signed_on, after=[registered(case), accepted(case), last_record(case)])
    for item in agreement.items.all():
        if item.due_on < signed_on:
            found.append(
                _("The performance item “%(item)s” is due on %(due)s, before the signing.")
                % {"item": item.description, "due": item.due_on.isoformat()}
            )
    deadline = agreement.performance_deadline
    if deadline and deadline < signed_on:
        found.append(
            _("The performance deadline %(due)s is before the signing.")
            % {"due": deadline.isoformat()}
        )
    if found:
        raise ValidationError({"signed_on": found})


def check_agreement_terms(agreement_case: Case, deadline: date | None) -> None:
    """A draft's performance deadline lies on or after the acceptance."""
    if deadline is not None:
        check(
            "performance_deadline",
            deadline,
            after=[registered(agreement_case), accepted(agreement_case)],
            past=False,
        )


def check_performance_item(agreement: Agreement, due_on: date) -> None:
    case = agreement.case
    check("due_on", due_on, after=[registered(case), accepted(case), signed(agreement)], past=False)


def check_confirmation(
    agreement: Agreement, applied_on: date | None, decided_on: date | None
) -> None:
    found: dict[str, list[str]] = {}
    if applied_on:
        found["confirmation_applied_on"] = problems(applied_on, after=[signed(agreement)])
    if decided_on:
        application = (APPLICATION, applied_on) if applied_on else None
        found["confirmation_decided_on"] = problems(
            decided_on, after=[signed(agreement), application]
        )
    found = {field: errors for field, errors in found.items() if errors}
    if found:
        raise ValidationError(found)


def check_visit_outcome(visit: VisitRequest, visited_at: datetime) -> None:
    starts = (VISIT, visit.visit_starts_at) if visit.visit_starts_at else None
    check("visited_at", visited_at, after=[starts])


def check_conclusion(consultation: JointConsultation) -> None:
    """A consultation is concluded at or after its meeting's start."""
    meeting = consultation.meeting
    if meeting is not None and timezone.now() + CLOCK_SLACK < meeting.starts_at:
        raise ValidationError(
            {
                "joint_opinion": _(
                    "The consultation meets on %(when)s: conclude it after the meeting."
                )
                % {"when": _shown(meeting.starts_at)}
            }
        )
