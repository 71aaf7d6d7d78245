"""``manage.py export_statistics --street 联盟街道 --period 2026-Q3 --format xlsx -o 三季度.xlsx``

The statistics page's files for scripted monthly reporting: ``xlsx`` and ``pdf`` are the
official report (a form per mediation committee, the 矛盾不上交 sheet), ``csv`` the figures per
community, ``cases`` the anonymous case-level rows. ``--period`` takes ``2026-09``, ``2026-Q3``
or ``2026``; or give ``--from`` and ``--to`` dates. ``--community`` narrows the scope;
``--district`` widens it; ``--committee 金江路社区人民调解委员会`` gives that committee's own
report (its cases only). ``--as-user`` checks that this person may see that scope."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from cases import access
from cases.statistics import exports, figures
from cases.statistics.charts import report_charts
from clinic.access import NotVisible
from clinic.lib.commands import AuditedCommand
from clinic.models import Community, District, MediationCommittee, Street, User


class Command(AuditedCommand):
    help = "Export the statistics of a street, community or district for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--street")
        where.add_argument("--community")
        where.add_argument("--district")
        where.add_argument("--committee", help="a mediation committee's own report")
        parser.add_argument("--period")
        parser.add_argument("--from", dest="first", type=date.fromisoformat)
        parser.add_argument("--to", dest="last", type=date.fromisoformat)
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf", "cases"], default="xlsx")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--as-user", help="refuse unless this user may see the scope")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(exports.OFFICIAL_LANGUAGE):  # the files filed upward
            self._export(options)

    def _export(self, options: dict[str, Any]) -> None:
        communities, label, key, committees = self._scope(options)
        if options["as_user"]:
            user = User.objects.filter(username=options["as_user"], is_active=True).first()
            if user is None:
                raise CommandError("No such active user.")
            try:
                access.access_scope(user, key)
            except NotVisible:
                raise CommandError(f"{user} may not see the figures of {label}.") from None
        period = self._period(options)
        report = figures.compute(communities, period, label, committees=committees)
        path = Path(options["output"])
        fmt = options["format"]
        if fmt == "csv":
            path.write_text("".join(exports.figures_csv(report)), encoding="utf-8")
        elif fmt == "xlsx":
            path.write_bytes(exports.figures_xlsx(report))
        elif fmt == "pdf":
            path.write_bytes(exports.report_pdf(report, report_charts(report)))
        else:
            with path.open("w", encoding="utf-8", newline="") as handle:
                for line in exports.cases_csv(exports.period_cases(communities, period)):
                    handle.write(line)
        self.stdout.write(f"{path}: {label} {period.label}")

    def _scope(
        self, options: dict[str, Any]
    ) -> tuple[list[Community], str, str, list[MediationCommittee] | None]:
        """(communities, label, the scope's key for access, the committees or None)."""
        base = Community.objects.select_related("street").order_by("code")
        if options["committee"]:
            committee = (
                MediationCommittee.objects.filter(name=options["committee"])
                .select_related("community", "street")
                .first()
            )
            if committee is None:
                raise CommandError(f"No mediation committee named {options['committee']}.")
            if committee.community is not None:
                place = committee.community
                return [place], committee.name, f"community:{place.pk}", [committee]
            return (
                list(base.filter(street=committee.street)),
                committee.name,
                f"street:{committee.street_id}",
                [committee],
            )
        if options["street"]:
            found = Street.objects.filter(name=options["street"]).first()
            if found is None:
                raise CommandError(f"No street named {options['street']}.")
            return list(base.filter(street=found)), found.name, f"street:{found.pk}", None
        if options["community"]:
            community = base.filter(name=options["community"]).first()
            if community is None:
                raise CommandError(f"No community named {options['community']}.")
            return [community], community.name, f"community:{community.pk}", None
        district = District.objects.filter(name=options["district"]).first()
        if district is None:
            raise CommandError(f"No district named {options['district']}.")
        return (
            list(base.filter(street__district=district)),
            district.name,
            f"district:{district.pk}",
            None,
        )

    def _period(self, options: dict[str, Any]) -> figures.Period:
        try:
            if options["first"] and options["last"]:
                return figures.custom_period(options["first"], options["last"])
            if options["period"]:
                return figures.parse_period(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        raise CommandError("Give --period, or --from and --to.")
