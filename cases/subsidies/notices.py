"""The notices of the subsidies folder (``clinic.notify``), imported by ``cases.notices``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

register(
    # do_approve_statement → the mediator whose statement it is
    Notice(
        "subsidies.statement_approved",
        _("Your subsidy statement of %(month)s was approved: %(total)s yuan"),
        Kind.REPORT,
    ),
)
