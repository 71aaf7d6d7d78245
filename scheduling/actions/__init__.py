"""Every change to the roster and to people's time: one ``do_*`` function each, in a
transaction, one module per topic. Import a name from the module that defines it.

- ``commitments``: nobody is in two places at once (``Clash``, ``busy_periods``,
  ``lock_calendars``, ``do_book_commitment``, ``do_release_commitment``).
- ``bookings``: seats booked, cancelled, swapped, checked in, released when a role ends; the
  reminders of shifts and uncovered seats.
- ``sessions``: roster settings, weekly patterns, sessions created, generated, published and
  cancelled; ``month_bounds``.
- ``leave``, ``feeds``: a professional's leave and private calendar feed.
- ``suggestions``: proposing professionals for open seats, booking what the coordinator keeps.

They import each other in this order only: commitments → bookings → sessions → leave, feeds →
suggestions.
"""

# The names below are re-exported for the code outside this app that still imports them from
# ``scheduling.actions``; code inside the app imports the defining module.
#   Clash: cases/actions.py, cases/views.py, tests/cases/test_concurrency.py
#   do_book_commitment, do_release_commitment, lock_calendars: cases/actions.py
#   busy_periods: cases/views.py, cases/management/commands/seed_demo_cases.py
#   do_book_seat: tests/cases/test_home_visits.py, tests/test_access_matrix.py, bench/booking.py
#   do_offer_swap, do_save_pattern, do_record_leave, feed_token: tests/test_access_matrix.py
#   do_create_session: tests/e2e/test_journeys.py, bench/booking.py
#   BookingRefused: what do_book_seat raises besides Clash
from scheduling.actions.bookings import BookingRefused, do_book_seat, do_offer_swap
from scheduling.actions.commitments import (
    Clash,
    busy_periods,
    do_book_commitment,
    do_release_commitment,
    lock_calendars,
)
from scheduling.actions.feeds import feed_token
from scheduling.actions.leave import do_record_leave
from scheduling.actions.sessions import do_create_session, do_save_pattern

__all__ = [
    "BookingRefused",
    "Clash",
    "busy_periods",
    "do_book_commitment",
    "do_book_seat",
    "do_create_session",
    "do_offer_swap",
    "do_record_leave",
    "do_release_commitment",
    "do_save_pattern",
    "feed_token",
    "lock_calendars",
]
