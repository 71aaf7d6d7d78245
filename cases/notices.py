"""The cases app's notices (``clinic.notify``): declared here and in the workflow folders'
``notices.py``, which this module imports so that ``autodiscover_modules("notices")`` finds
them all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.statistics import notices as _statistics  # noqa: F401
from cases.subsidies import notices as _subsidies  # noqa: F401
from cases.visits import notices as _visits  # noqa: F401
from clinic.notify.digest import register_collector
from clinic.notify.notices import Kind, Notice, register

# Parameters: ``case`` is ``ref(case)`` (its number once it has one), ``due`` a ``day``;
# names, reasons and notes are the words people typed. A notice someone must act on carries
# the case (and its date) by SMS.
register(
    # --- The case as a whole (cases.actions, cases.changes) ---
    Notice(
        "cases.assigned",
        _("A case was assigned to you: %(case)s"),
        Kind.CASE,
        sms=("case",),
    ),
    Notice(
        "cases.professional_asked",
        _("You are asked to advise on %(case)s"),
        Kind.CASE,
        sms=("case",),
    ),
    Notice(
        "cases.mediator_stepped_aside",
        _("Mediator %(name)s stepped aside from %(case)s"),
        Kind.CASE,
        body=_("%(reason)s"),
        sms=("case",),
    ),
    Notice(
        "cases.mediator_objected",
        _("%(party)s objects to the mediator of %(case)s"),
        Kind.CASE,
        body=_("%(reason)s"),
        sms=("case",),
    ),
    Notice(
        "cases.risk_red",
        _("Red risk: %(case)s"),
        Kind.ALERT,
        body=_("%(summary)s"),
        sms=("case",),
    ),
    Notice(
        "cases.risk_orange",
        _("Orange risk, act today: %(case)s"),
        Kind.CASE,  # urgent, but only red risk overrides a person's channels
        body=_("%(summary)s"),
        sms=("case",),
    ),
    Notice(
        "cases.escalated",
        _("A dispute was escalated to the street: %(case)s"),
        Kind.CASE,
        body=_("%(reason)s"),
        sms=("case",),
    ),
    Notice(
        "cases.escalated_away",
        _("%(case)s was escalated to %(committee)s; you can still read it"),
        Kind.CASE,
        body=_("%(reason)s"),
    ),
    # --- 会诊 (cases.consultations) ---
    Notice(
        "cases.consultation_invited",
        _("Invitation to a joint consultation on %(case)s"),
        Kind.CASE,
        body=_("%(question)s"),
        sms=("case",),
    ),
    Notice(
        "cases.consultation_answered",
        _("%(person)s %(answer)s the joint consultation on %(case)s"),
        Kind.CASE,
    ),
    Notice(
        "cases.consultation_meeting",
        _("Joint consultation on %(case)s: %(when)s at %(place)s"),
        Kind.CASE,
        sms=("case", "when"),
    ),
    # --- Settlement and 复诊 (cases.mediation, cases.follow_ups) ---
    Notice(
        "cases.follow_up_assigned",
        _("Follow-up assigned to you: %(case)s, first due %(due)s"),
        Kind.CASE,
        sms=("case", "due"),
    ),
    Notice(
        "cases.agreement_not_performed",
        _("Agreement not performed: %(case)s"),
        Kind.CASE,
        body=_("%(findings)s"),
        sms=("case",),
    ),
    Notice(
        "cases.follow_up_risk",
        _("New risk found at a follow-up of %(case)s"),
        Kind.CASE,
        body=_("%(risk)s"),
        sms=("case",),
    ),
    Notice(
        "cases.follow_up_setbacks",
        _("Something went wrong after the settlement of %(case)s: %(what)s"),
        Kind.CASE,
        body=_("%(note)s"),
        sms=("case",),
    ),
    # --- Daily reminders: items of the daily digest (the collectors below) ---
    Notice(
        "cases.mediation_due",
        _("Mediation due on %(due)s: %(case)s"),
        Kind.REMINDER,
        sms=("case", "due"),
    ),
    Notice(
        "cases.mediation_overdue",
        _("Overdue since %(due)s: %(case)s"),
        Kind.REMINDER,
        sms=("case", "due"),
    ),
    Notice(
        "cases.follow_up_due",
        _("Follow-up due on %(due)s: %(case)s"),
        Kind.REMINDER,
        sms=("case", "due"),
    ),
    Notice(
        "cases.follow_up_overdue",
        _("Follow-up overdue since %(due)s: %(case)s"),
        Kind.REMINDER,
        sms=("case", "due"),
    ),
    Notice(
        "cases.confirmation_due",
        _("Judicial confirmation can be applied for until %(due)s: %(case)s"),
        Kind.REMINDER,
        body=_(
            "The parties may apply to the court together for judicial "
            "confirmation of their agreement within 30 days of it taking effect; "
            "after %(due)s the court no longer accepts the application."
        ),
        sms=("case", "due"),
    ),
)

# The daily case reminders are items of each person's daily digest (clinic.notify.digest).
register_collector("cases.mediation.actions.collect_case_reminders")
register_collector("cases.follow_ups.actions.collect_followup_reminders")
register_collector("cases.documents.actions.collect_confirmation_reminders")
register_collector("cases.statistics.actions.collect_report_reminders")
