"""The notices of the visits folder (``clinic.notify``), imported by ``cases.notices``.

A request is told to the community's coordinators (a red one, an alert, also to its police
officer, through every channel); the professionals chosen, the grid worker who asked, and the
community that takes on a dispute found at the door hear the rest."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

REQUESTED = _("Home visit requested (%(risk)s): %(reference)s")

register(
    # do_request_visit → the community's coordinators
    Notice(
        "visits.requested",
        REQUESTED,
        Kind.VISIT,
        body=_("%(summary)s"),
        sms=("reference", "risk"),
    ),
    # do_request_visit, red risk → the coordinators and the community police officer
    Notice(
        "visits.requested_red",
        REQUESTED,
        Kind.ALERT,
        body=_("%(summary)s"),
        sms=("reference", "risk"),
    ),
    # do_merge_visit_request → the coordinators and the first requester
    Notice(
        "visits.merged",
        _("More about home visit %(reference)s: a second request was added to it"),
        Kind.VISIT,
        body=_("%(note)s"),
    ),
    # do_schedule_visit → the grid worker who asked
    Notice(
        "visits.scheduled",
        _("Home visit %(reference)s scheduled for %(when)s"),
        Kind.VISIT,
    ),
    # do_schedule_visit → each professional chosen
    Notice(
        "visits.assigned",
        _("You are asked to visit a resident: %(reference)s, %(when)s"),
        Kind.VISIT,
        body=_("%(summary)s"),
        sms=("reference", "when"),
    ),
    # do_cancel_visit (by someone else) → the grid worker who asked
    Notice(
        "visits.cancelled",
        _("Home visit %(reference)s cancelled"),
        Kind.VISIT,
        body=_("%(reason)s"),
    ),
    # do_record_visit_outcome → the grid worker who asked
    Notice(
        "visits.done",
        _("Home visit %(reference)s done"),
        Kind.VISIT,
        body=_("%(outcome)s"),
    ),
    # do_record_visit_outcome, a dispute registered → its mediator and the coordinators
    Notice(
        "visits.case_waiting",
        _("A dispute from home visit %(reference)s waits to be accepted: %(case)s"),
        Kind.CASE,
        body=_("%(summary)s"),
    ),
    Notice(
        "visits.case_on_patrol",
        _("A dispute from home visit %(reference)s is mediated on patrol: %(case)s"),
        Kind.CASE,
        body=_("%(summary)s"),
    ),
)
