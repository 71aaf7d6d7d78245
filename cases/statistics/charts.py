"""The statistics page's charts, drawn as inline SVG from a report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.statistics.figures import Report
from clinic.lib import charts


def report_charts(report: Report) -> dict[str, str]:
    return {
        "levels": charts.share_bar(
            [
                (_("Settled in the community"), report.total.community_share),
                (_("Settled in the street"), report.total.street_share),
                (_("Not settled locally"), report.total.not_local_share),
            ],
            title=_(
                "Small matters stay in the community, big matters stay in the street, "
                "disputes are not pushed upward."
            ),
        ),
        "trend": charts.stacked_shares(
            report.trend,
            title=_("The last twelve months"),
            keys=[
                ("community", str(_("community"))),
                ("street", str(_("street"))),
                ("not_local", str(_("not local"))),
            ],
        ),
        "types": charts.horizontal_bars(
            [(row.name, row.accepted) for row in report.by_type if row.accepted],
            title=_("Disputes accepted by type"),
        ),
    }
