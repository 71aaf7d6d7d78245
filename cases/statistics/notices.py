"""The notices of the statistics folder (``clinic.notify``), imported by ``cases.notices``.

A committee's report on its way up (填报 → 审核 → 上报) is told to whoever takes the next
step; the fillers of a report due or overdue and the street officers of each report waiting
for their review find it in their daily digest (``clinic.notify.digest``), not in a notice
a day. A count is ``%(count)s``: parameters are rendered as text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

register(
    # do_fill_report → the street officers who review it
    Notice(
        "statistics.report_filed",
        _("A report to review: %(committee)s, %(period)s"),
        Kind.REPORT,
        body=_("Filed by %(person)s."),
    ),
    # do_approve_report → the district admins who report it upward
    Notice(
        "statistics.report_approved",
        _("A report to report upward: %(committee)s, %(period)s"),
        Kind.REPORT,
    ),
    # do_approve_report → the person who filed it
    Notice(
        "statistics.report_approved_filer",
        _("Your report was approved: %(committee)s, %(period)s"),
        Kind.REPORT,
    ),
    # do_return_report → the filer and the committee's fillers
    Notice(
        "statistics.report_returned",
        _("A report was returned: %(committee)s, %(period)s"),
        Kind.REPORT,
        body=_("%(reason)s"),
    ),
    # do_report_upward → the filer and the reviewer
    Notice(
        "statistics.report_reported",
        _("A report went upward: %(committee)s, %(period)s"),
        Kind.REPORT,
    ),
    # do_send_report_reminders → the fillers of a committee whose report is not filed: an
    # item of their daily digest from 3 days before the due day (overdue after it)
    Notice(
        "statistics.report_due",
        _("Due on %(due)s: the report of %(committee)s for %(period)s"),
        Kind.REMINDER,
    ),
    Notice(
        "statistics.report_overdue",
        _("Overdue since %(due)s: the report of %(committee)s for %(period)s"),
        Kind.REMINDER,
    ),
    # do_send_report_reminders → the street officers: each report waiting for their review is
    # an item of their daily digest until it is reviewed
    Notice(
        "statistics.report_to_review",
        _("A report to review: %(committee)s, %(period)s"),
        Kind.REMINDER,
    ),
    # No longer sent (a report to review is an item of the digest, above); kept so that the
    # notices already in inboxes still read in their reader's language.
    Notice(
        "statistics.reports_to_review",
        _("%(count)s report waits for your review"),
        Kind.REMINDER,
        plural=_("%(count)s reports wait for your review"),
        count="count",
    ),
)
