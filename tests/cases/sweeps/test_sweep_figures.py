"""The official report's 排查次数, 排查发现纠纷 and 预防纠纷 come from the ledger: hand-made
sweeps, counted by hand, in one grouped query."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.utils import timezone

from cases.statistics import figures, layout, ledgers
from cases.sweeps.actions import do_add_finding, do_record_sweep
from clinic.models import Community, Grid
from tests.conftest import person

SEPT = figures.parse_period("2026-09")
J, B, S = "金江路社区", "北辰社区", "金色社区"


def _sweep(community: str, day: date, *found: bool, by: str = "coordinator") -> None:
    """A sweep of ``community`` on ``day`` with one finding per flag (True: prevented)."""
    place = Community.objects.get(name=community)
    sweep = do_record_sweep(
        actor=person(by),
        community=place,
        grid=Grid.objects.filter(community=place).order_by("code").first(),
        day=day,
        kind="scheduled",
        scope="全网格",
        households=10,
    )
    for n, prevented in enumerate(found):
        do_add_finding(
            sweep,
            actor=person(by),
            description=f"纠纷{n}",
            persons=2,
            prevented=prevented,
            prevention_note="当场调解" if prevented else "",
        )


def _ledger(demo: None) -> None:
    # J: three sweeps in September (one found nothing), 4 disputes found, 1 prevented;
    # one in August and one on 1 October that do not count.
    _sweep(J, date(2026, 9, 1), False, True)
    _sweep(J, date(2026, 9, 30), False, False)
    _sweep(J, date(2026, 9, 15))
    _sweep(J, date(2026, 8, 31), True, True)
    _sweep(J, date(2026, 10, 1), True)
    # B: one sweep, 2 found, both prevented; 金色社区 (another street): one, outside the scope
    _sweep(B, date(2026, 9, 10), True, True)
    _sweep(S, date(2026, 9, 10), True, by="coordinator_jinse")


def test_the_report_counts_the_ledgers_sweeps_findings_and_prevented(demo: None) -> None:
    _ledger(demo)
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=timezone.get_current_timezone())):
        report = figures.compute(list(Community.objects.filter(name__in=[J, B])), SEPT, "联盟街道")
    rows = {row.name: row for row in report.rows}

    def sweep_columns(row: figures.Row) -> tuple[int, int, int]:
        return (row.sweeps, row.sweep_found, row.sweep_prevented)

    assert sweep_columns(rows[J]) == (3, 4, 1)
    assert sweep_columns(rows[B]) == (1, 2, 2)
    assert sweep_columns(report.total) == (4, 6, 3)
    # a community committee's own sheet carries its community's sweeps
    units = {unit.name: unit.total for unit in report.units}
    assert sweep_columns(units["金江路社区人民调解委员会"]) == (3, 4, 1)
    # a sweep is of a grid, not of a dispute type: the type rows leave it to the 合计 row, and
    # the printed formulas still hold
    assert all(sweep_columns(row) == (0, 0, 0) for row in report.by_type)
    assert [c.text for c in layout.cross_checks(report) if not c.holds] == []


def test_a_community_without_a_sweep_reports_none(demo: None) -> None:
    _ledger(demo)
    quiet = Community.objects.get(name="白龙路社区")
    assert ledgers.sweep_figures([quiet.pk], SEPT) == {}


def test_the_figures_are_one_grouped_query_however_many_sweeps(
    demo: None, django_assert_num_queries: object
) -> None:
    _ledger(demo)
    for day in range(2, 12):
        _sweep(J, date(2026, 9, day), True, False)
    ids = list(Community.objects.filter(name__in=[J, B]).values_list("pk", flat=True))
    with django_assert_num_queries(1):  # type: ignore[operator]
        counted = ledgers.sweep_figures(ids, SEPT)
    by_name = {Community.objects.get(pk=pk).name: values for pk, values in counted.items()}
    assert by_name[J] == {"sweeps": 13, "sweep_found": 24, "sweep_prevented": 11}
