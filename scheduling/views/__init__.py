"""Views of the roster, one module per topic: ``sessions`` (a clinic's roster and its
sessions), ``bookings`` (seats and a professional's own roster), ``leave``, ``feeds``,
``suggestions``, ``hours``, ``duty_board``. Each view: access first, then a form, then one
action. Only ``scheduling.urls`` imports these modules."""
