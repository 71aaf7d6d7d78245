"""The scheduling app's notices (``clinic.notify``).

The people a shift concerns hear of it being booked for them, cancelled or taken over; the
coordinators of a seat that opened again; the day before, its professional; a week ahead, the
coordinators of seats nobody holds. ``scheduling.duty`` goes to the community's groups: who is
on duty when and where, when the roster is published and when a session's duty changes.

A template SMS carries ``clinic`` and ``when`` (the session's start) rather than the session's
name, which runs over a gateway's parameter length. A count is ``%(n)s``: parameters are
rendered as text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

register(
    # notify_booked (do_assign_seat, do_accept_suggestion) → the person booked by someone else
    Notice(
        "scheduling.booked",
        _("%(actor)s booked you for a shift: %(session)s"),
        Kind.BOOKING,
        plural=_("%(actor)s booked you for %(n)s shifts"),
        count="n",
        body=_("%(sessions)s"),
        sms=("actor", "n", "when"),
    ),
    # do_cancel_booking by someone else → the person whose shift it was
    Notice(
        "scheduling.booking_cancelled",
        _("Your shift was cancelled: %(session)s"),
        Kind.BOOKING,
        body=_("%(reason)s"),
        sms=("clinic", "when"),
    ),
    # do_cancel_booking by its holder → the clinic's coordinators
    Notice(
        "scheduling.booking_cancelled_by_holder",
        _("%(person)s cancelled their shift: %(session)s"),
        Kind.BOOKING,
        body=_("%(reason)s"),
        sms=("person", "clinic", "when"),
    ),
    # do_cancel_session → everyone booked at it
    Notice(
        "scheduling.session_cancelled",
        _("Clinic session cancelled: %(session)s"),
        Kind.BOOKING,
        body=_("%(reason)s"),
        sms=("clinic", "when"),
    ),
    # do_accept_swap → the person whose offered shift was taken over
    Notice(
        "scheduling.swapped",
        _("%(person)s took over your shift %(session)s"),
        Kind.BOOKING,
    ),
    # do_release_future_bookings → the clinic's coordinators
    Notice(
        "scheduling.seat_reopened",
        _("A seat reopened: %(person)s left; %(session)s"),
        Kind.BOOKING,
    ),
    # do_send_roster_reminders → the professional on duty tomorrow
    Notice(
        "scheduling.shift_tomorrow",
        _("Tomorrow you are on duty: %(session)s"),
        Kind.REMINDER,
        body=_("%(place)s"),
    ),
    # do_send_roster_reminders → the coordinators, a week ahead
    Notice(
        "scheduling.seats_uncovered",
        _("%(n)s seats uncovered in a week: %(session)s"),
        Kind.REMINDER,
        body=_("%(roles)s"),
    ),
    # notify_duty → the community's group robots: a published roster, a session's duty changed
    Notice(
        "scheduling.duty",
        _("Who is on duty at %(clinic)s"),
        Kind.BOOKING,
        body=_("%(sessions)s"),
        group=True,
    ),
)
