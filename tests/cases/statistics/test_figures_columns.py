"""Every column of the official report, counted by hand from made cases and compared; the
balance identity over random case histories; 期末超期 in a current period; a constant number of
queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cases.models import Agreement, Case, CaseReopening, FollowUp, Party
from cases.statistics import figures, litigation
from clinic.models import Community, MediationCommittee, User

SEPT = figures.parse_period("2026-09")
J, B = "金江路社区", "北辰社区"
BALANCE_IN = ("carried_in", "accepted")
BALANCE_OUT = ("settled", "failed", "referred", "ended", "still_open")


def at(day: int, month: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, tzinfo=timezone.get_current_timezone())


def dispute(
    community: str,
    *,
    accepted: datetime | None = None,
    outcome: str = "",
    settled: datetime | None = None,
    closed: datetime | None = None,
    level: str = "community",
    street_committee: bool = False,
    kind: str = "dispute",
    dispute_type: str = "neighbour",
    source: str = "walk_in",
    amount_involved: int | None = None,
    amount_agreed: int | None = None,
    due: date | None = None,
    criminal: int = 0,
    petition: int = 0,
    parties: tuple[str, ...] = (),
) -> Case:
    """A case as it stands after its history, written straight to the table (the figures read
    only these columns), with parties on these sides."""
    place = Community.objects.get(name=community)
    committee = (
        MediationCommittee.objects.get(street=place.street, level="street")
        if street_committee
        else place.committee
    )
    state = "closed" if closed else ("follow_up" if settled else ("sit_in" if accepted else ""))
    case = Case.objects.create(
        state=state or "registered",
        kind=kind,
        committee=committee,
        community=place,
        street=place.street,
        registered_by=User.objects.get(username="mediator"),
        registered_at=(accepted or closed or at(1)) - timedelta(days=1),
        accepted_at=accepted,
        settled_at=settled,
        closed_at=closed,
        outcome=outcome,
        level=level,
        source=source,
        dispute_type=dispute_type,
        summary="x",
        amount_involved=Decimal(amount_involved) if amount_involved else None,
        amount_agreed=Decimal(amount_agreed) if amount_agreed else None,
        prevented_criminal=bool(criminal),
        prevented_criminal_persons=criminal,
        prevented_petition=bool(petition),
        prevented_petition_persons=petition,
        mediation_due=due or ((accepted + timedelta(days=30)).date() if accepted else None),
    )
    for n, side in enumerate(parties):
        Party.objects.create(case=case, side=side, name=f"当事人{n}")
    return case


def agreement(case: Case, *, form: str = "written", **fields: Any) -> Agreement:
    return Agreement.objects.create(
        case=case,
        form=form,
        facts="x",
        terms="x",
        created_by=User.objects.get(username="mediator"),
        **fields,
    )


def follow_up(case: Case, on: Agreement | None, *, done: datetime, performance: str) -> None:
    FollowUp.objects.create(
        case=case,
        agreement=on,
        due_on=done.date(),
        assignee=User.objects.get(username="mediator"),
        done_at=done,
        performance=performance,
    )


@pytest.fixture
def world(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """September 2026 in 金江路社区 (J) and 北辰社区 (B), counted by hand in the tests below.

    J: (1) accepted 20 Aug, open, due 19 Sep; (2) accepted 10 Aug, settled 3 Sep in writing,
    8000 agreed, its agreement applied for confirmation 5 Sep and confirmed 20 Sep, performed
    in full first on 18 Sep (partly 10 Sep, in full again 28 Sep); (3) handled by the street
    committee: accepted 2 Sep from the court's delegation, labour, settled orally 12 Sep at
    street level, 2000 agreed of 3000 involved, applicant + respondent + third party + agent,
    3 persons kept from crime, its agreement corrected (only the current version's application
    of 16 Sep counts); (4) accepted 5 Sep entrusted by the court after filing, labour, failed
    20 Sep, 5000 involved, applicant + respondent + guardian, a mass petition of 12 prevented;
    (5) accepted 6 Sep from a grid worker, contract, a party refuses 21 Sep; (6) accepted
    8 Sep on own initiative, withdrawn 9 Sep; (7) declined 10 Sep before acceptance; (8)
    accepted 10 Sep online, open, due 25 Sep; (9) accepted 11 Sep from the police, damages,
    open; (10) accepted 15 Sep from the government, contract, settled 2 Oct; (11) legal
    advice answered 3 Sep; (12) marriage and family, accepted 1 Jul, settled in writing
    15 Aug (5000 agreed, performed in full 20 Aug and again 1 Sep), reopened 5 Sep, settled
    orally 25 Sep (6000 agreed), 1000 involved, two parties; (13) contract, accepted 25 Aug,
    declined (a duplicate) 4 Sep.
    B: (14) accepted 7 Sep on the petitions office's transfer, referred out 22 Sep; (15)
    accepted 1 Jun, failed 1 Jul. Elsewhere: a dispute of 金色社区 accepted 3 Sep.
    """
    dispute(J, accepted=at(20, 8), due=date(2026, 9, 19))
    two = dispute(
        J,
        accepted=at(10, 8),
        outcome="settled_written",
        settled=at(3),
        closed=at(28),
        amount_agreed=8000,
        amount_involved=10000,
    )
    a2 = agreement(
        two,
        signed_on=date(2026, 9, 3),
        confirmation="confirmed",
        confirmation_applied_on=date(2026, 9, 5),
        confirmation_decided_on=date(2026, 9, 20),
    )
    follow_up(two, a2, done=at(10), performance="partial")
    follow_up(two, a2, done=at(18), performance="full")
    follow_up(two, a2, done=at(28), performance="full")
    three = dispute(
        J,
        accepted=at(2),
        outcome="settled_oral",
        settled=at(12),
        level="street",
        street_committee=True,
        dispute_type="labour",
        source="court",
        amount_agreed=2000,
        amount_involved=3000,
        criminal=3,
        parties=("applicant", "respondent", "third_party", "agent"),
    )
    first = agreement(three, form="oral", confirmation_applied_on=date(2026, 9, 14))
    agreement(
        three, form="oral", version=2, supersedes=first, confirmation_applied_on=date(2026, 9, 16)
    )
    dispute(
        J,
        accepted=at(5),
        outcome="failed",
        closed=at(20),
        dispute_type="labour",
        source="court_entrusted",
        amount_involved=5000,
        petition=12,
        parties=("applicant", "respondent", "guardian"),
    )
    dispute(
        J,
        accepted=at(6),
        outcome="party_refuses",
        closed=at(21),
        dispute_type="contract",
        source="grid_referral",
    )
    dispute(J, accepted=at(8), outcome="withdrawn", closed=at(9), source="own_initiative")
    dispute(J, outcome="declined_scope", closed=at(10))
    dispute(J, accepted=at(10), due=date(2026, 9, 25), source="online")
    dispute(J, accepted=at(11), dispute_type="damages", source="police")
    dispute(
        J,
        accepted=at(15),
        outcome="settled_written",
        settled=at(2, 10),
        dispute_type="contract",
        source="government",
    )
    dispute(J, kind="advice", outcome="answered", closed=at(3))
    twelve = dispute(
        J,
        accepted=at(1, 7),
        outcome="settled_oral",
        settled=at(25),
        amount_agreed=6000,
        amount_involved=1000,
        dispute_type="marriage_family",
        parties=("applicant", "respondent"),
    )
    a12 = agreement(twelve, signed_on=date(2026, 8, 15))
    follow_up(twelve, a12, done=at(20, 8), performance="full")
    follow_up(twelve, a12, done=at(1), performance="full")
    CaseReopening.objects.create(
        case=twelve,
        at=at(5),
        accepted_at=at(1, 7),
        outcome="settled_written",
        level="community",
        settled_at=at(15, 8),
        amount_agreed=Decimal(5000),
        mediation_due=date(2026, 7, 31),
        agreement=a12,
    )
    dispute(
        J,
        accepted=at(25, 8),
        outcome="declined_duplicate",
        closed=at(4),
        dispute_type="contract",
    )
    dispute(
        B,
        accepted=at(7),
        outcome="referred_out",
        closed=at(22),
        level="referred_out",
        source="petitions",
    )
    dispute(B, accepted=at(1, 6), outcome="failed", closed=at(1, 7))
    dispute("金色社区", accepted=at(3))
    j = Community.objects.get(name=J)
    monkeypatch.setattr(
        litigation, "civil_filings", lambda ids, period: {j.pk: 23} if period == SEPT else {}
    )
    monkeypatch.setattr(
        litigation, "monthly_civil_filings", lambda ids, first, last: {(2026, 9): 23}
    )


def september() -> figures.Report:
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=timezone.get_current_timezone())):
        return figures.compute(list(Community.objects.filter(name__in=[J, B])), SEPT, "联盟街道")


def columns(row: figures.Row, *names: str) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in names)


def test_the_balance_columns_are_the_hand_counted_ones(world: None) -> None:
    total = september().total
    assert columns(total, "carried_in", "accepted", "reaccepted") == (3, 9, 1)  # (1)(2)(13)
    assert columns(total, "settled", "written", "oral") == (3, 1, 2)  # (2) / (3)(12)
    assert columns(total, "settled_community", "settled_street") == (2, 1)
    assert columns(total, "failed", "referred") == (2, 1)  # (4)(5) / (14)
    assert columns(total, "ended", "withdrawn", "declined") == (2, 1, 1)  # (6) / (13)
    assert columns(total, "still_open", "overdue") == (4, 2)  # (1)(8)(9)(10) / (1)(8)
    assert total.balance_holds
    assert total.advice == 1


def test_the_rates_follow_the_official_definition(world: None) -> None:
    total = september().total
    assert total.success_rate == 33.3  # 3 settled ÷ 9 accepted
    assert total.concluded_success_rate == 50.0  # 3 ÷ (3 + 2 + 1)
    assert (total.community_share, total.street_share) == (33.3, 16.7)
    assert (total.failed_share, total.referred_share, total.not_local_share) == (33.3, 16.7, 50.0)


def test_agreements_money_parties_and_prevention_are_the_hand_counted_ones(world: None) -> None:
    total = september().total
    # applied: (2) and the current version of (3)'s; confirmed: (2)
    assert columns(total, "confirm_applied", "confirm_confirmed") == (2, 1)
    assert total.agreements_performed == 1  # (2) once, though found in full twice
    assert total.amount_agreed == Decimal(16000)  # 8000 + 2000 + 6000
    assert total.amount_agreed_10k == Decimal("1.60")
    assert total.amount_involved == Decimal(9000)  # (3) 3000 + (4) 5000 + (12) 1000
    assert columns(total, "parties", "multi_party") == (7, 1)  # 3 + 2 + 2; agents out
    assert columns(total, "criminal_cases", "criminal_persons") == (1, 3)
    assert columns(total, "petition_cases", "petition_persons") == (1, 12)
    for name in ("suicide", "fight", "incident"):
        assert columns(total, f"{name}_cases", f"{name}_persons") == (0, 0)
    assert columns(total, "sweeps", "sweep_found", "sweep_prevented") == (0, 0, 0)


def test_sources_fall_into_the_official_bands_with_the_court_apart(world: None) -> None:
    report = september()
    total = report.total
    # 当事人申请: (12) walk-in, (8) online; 主动调解: (5) grid, (6) own initiative; 委托移送:
    # (3) court delegation, (4) court entrustment, (9) police, (10) government, (14) petitions
    assert columns(total, "source_parties", "source_initiative", "source_referred") == (2, 2, 5)
    assert columns(total, "court_delegated", "court_entrusted") == (1, 1)
    sources = {code: n for code, _label, n in report.by_source}
    assert (sources["court"], sources["court_entrusted"], sum(sources.values())) == (1, 1, 9)


def test_each_type_has_its_own_balance_and_share(world: None) -> None:
    report = september()
    assert [row.code for row in report.by_type][:3] == [
        "marriage_family",
        "neighbour",
        "housing_land",
    ]
    types = {row.code: row for row in report.by_type}
    assert types["neighbour"].name == "邻里"
    neighbour = types["neighbour"]  # (1)(2) carried; (6)(8)(14) accepted
    assert columns(neighbour, *BALANCE_IN) == (2, 3)
    assert columns(neighbour, *BALANCE_OUT) == (1, 0, 1, 1, 2)
    assert columns(types["labour"], "accepted", "settled", "failed", "court_delegated") == (
        2,
        1,
        1,
        1,
    )
    contract = types["contract"]  # (13) carried; (5)(10) accepted
    assert columns(contract, *BALANCE_IN, *BALANCE_OUT) == (1, 2, 0, 1, 0, 1, 1)
    assert columns(types["marriage_family"], "accepted", "reaccepted", "settled") == (1, 1, 1)
    assert (neighbour.type_share, types["labour"].type_share, types["damages"].type_share) == (
        33.3,
        22.2,
        11.1,
    )
    assert types["housing_land"].accepted == 0 and types["housing_land"].type_share == 0.0
    for name in (*BALANCE_IN, *BALANCE_OUT, "amount_agreed", "parties", "confirm_applied"):
        assert sum(getattr(row, name) for row in report.by_type) == getattr(report.total, name)
    assert all(row.balance_holds for row in report.by_type)


def test_each_committee_is_a_unit_with_its_own_table(world: None) -> None:
    report = september()
    units = {unit.name: unit for unit in report.units}
    assert list(units) == [
        "联盟街道人民调解委员会",
        "金江路社区人民调解委员会",
        "北辰社区人民调解委员会",
    ]
    street, jinjiang, beichen = units.values()
    assert columns(street.total, "accepted", "settled_street", "court_delegated") == (1, 1, 1)
    assert columns(jinjiang.total, *BALANCE_IN, *BALANCE_OUT) == (3, 7, 2, 2, 0, 2, 4)
    assert columns(beichen.total, "accepted", "referred") == (1, 1)
    assert {row.code: row.accepted for row in street.by_type if row.accepted} == {"labour": 1}
    assert all(unit.total.balance_holds for unit in report.units)
    assert all(row.balance_holds for unit in report.units for row in unit.by_type)
    # population and court filings: a community committee's community, the street's in scope
    assert (jinjiang.total.population, jinjiang.total.litigation_rate) == (23000, 10.0)
    assert street.total.population == 23000 + 21600


def test_a_committees_own_report_counts_only_its_cases(world: None) -> None:
    street = MediationCommittee.objects.get(name="联盟街道人民调解委员会")
    communities = list(Community.objects.filter(name__in=[J, B]))
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=timezone.get_current_timezone())):
        report = figures.compute(communities, SEPT, street.name, committees=[street])
    assert [unit.committee_id for unit in report.units] == [street.pk]
    assert columns(report.total, "accepted", "settled", "carried_in") == (1, 1, 0)


def test_population_and_the_litigation_rate(world: None, monkeypatch: pytest.MonkeyPatch) -> None:
    report = september()
    rows = {row.name: row for row in report.rows}
    assert (rows[J].population, rows[J].civil_filings, rows[J].litigation_rate) == (23000, 23, 10.0)
    # 北辰 has no court figure for September: unknown, not none — no rate, and none for the
    # street, which would otherwise count 北辰's residents as having filed nothing
    assert (rows[B].civil_filings, rows[B].litigation_rate) == (0, None)
    assert report.total.litigation_rate is None
    b = Community.objects.get(name=B)
    entered = {Community.objects.get(name=J).pk: 23, b.pk: 0}
    monkeypatch.setattr(
        litigation, "civil_filings", lambda ids, period: entered if period == SEPT else {}
    )
    report = september()
    rows = {row.name: row for row in report.rows}
    assert (rows[B].civil_filings, rows[B].litigation_rate) == (0, 0.0)  # entered as none
    assert report.total.litigation_rate == 5.16  # 23 ÷ 44,600 × 10,000
    september_trend = report.trend[-1]
    assert (september_trend["label"], september_trend["litigation_rate"]) == ("2026-09", 5.16)
    Community.objects.filter(name=B).update(population=None)
    assert september().total.litigation_rate is None  # not a rate of part of the population


def test_the_trend_counts_each_months_conclusions(world: None) -> None:
    trend = {month["label"]: month for month in september().trend}
    assert len(trend) == 12
    assert (trend["2026-09"]["concluded"], trend["2026-09"]["not_local"]) == (6, 50.0)
    assert (trend["2026-08"]["concluded"], trend["2026-08"]["community"]) == (1, 100.0)  # (12)
    assert (trend["2026-07"]["concluded"], trend["2026-07"]["failed"]) == (1, 100.0)  # (15)


def test_the_period_before_and_the_year_before(world: None) -> None:
    report = september()
    previous, year_ago = report.previous, report.year_ago
    assert previous is not None and year_ago is not None
    assert (previous.name, year_ago.name) == ("2026-08", "2025-09")
    # August: (12) carried from July; (1)(2)(13) accepted; (12)'s first round settled 15 Aug
    assert columns(previous, *BALANCE_IN, *BALANCE_OUT) == (1, 3, 1, 0, 0, 0, 3)
    assert previous.amount_agreed == Decimal(5000) and previous.written == 1
    assert previous.agreements_performed == 1  # (12)'s, first found in full 20 Aug
    assert year_ago.accepted == 0 and year_ago.balance_holds


def test_periods_before_are_of_the_same_length() -> None:
    assert figures.previous_period(figures.parse_period("2026-01")).label == "2025-12"
    assert figures.previous_period(figures.parse_period("2026-Q1")).label == "2025-Q4"
    assert figures.previous_period(figures.parse_period("2026")).label == "2025"
    custom = figures.custom_period(date(2026, 3, 10), date(2026, 3, 19))
    assert figures.previous_period(custom) == figures.custom_period(
        date(2026, 2, 28), date(2026, 3, 9)
    )
    assert figures.year_before(figures.parse_period("2024-02")).label == "2023-02"
    leap = figures.custom_period(date(2024, 2, 29), date(2024, 3, 1))
    assert figures.year_before(leap) == figures.custom_period(date(2023, 2, 28), date(2023, 3, 1))


def test_overdue_in_a_current_period_is_counted_today_not_at_its_end(demo: None) -> None:
    """On 20 September: one dispute past its due date (1 Sep); one due on 25 Sep is not overdue
    yet, though it would be by the month's end; one due in October; one settled."""
    dispute(J, accepted=at(1, 8), due=date(2026, 9, 1))
    dispute(J, accepted=at(15, 8), due=date(2026, 9, 25))
    dispute(J, accepted=at(1), due=date(2026, 10, 1))
    dispute(J, accepted=at(2, 8), due=date(2026, 9, 2), outcome="settled_oral", settled=at(10))
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2026, 9, 20, 12, tzinfo=tz), tick=False):
        report = figures.compute(list(Community.objects.filter(name=J)), SEPT, J)
        listed = Case.objects.filter(community__name=J).overdue().count()
    assert report.total.overdue == listed == 1
    assert report.total.still_open == 3  # still open today, nothing known of the rest


def test_the_counts_take_the_same_queries_for_few_or_many_cases(world: None) -> None:
    communities = list(Community.objects.filter(street__name="联盟街道"))
    with CaptureQueriesContext(connection) as few:
        figures.compute(communities, SEPT, "联盟街道")
    for day in range(1, 25):
        reopened = dispute(
            "白龙路社区",
            accepted=at(day),
            outcome="failed" if day % 2 else "",
            closed=at(day + 3) if day % 2 else None,
            dispute_type=("labour", "contract", "other")[day % 3],
            source=("walk_in", "court", "police", "court_entrusted")[day % 4],
            street_committee=day % 5 == 0,
            parties=("applicant", "respondent"),
        )
        CaseReopening.objects.create(case=reopened, at=at(day), level="community")
    with CaptureQueriesContext(connection) as many:
        figures.compute(communities, SEPT, "联盟街道")
    # the case, reopening, agreement and performance groups of the three periods (4); modes,
    # durations (2 on PostgreSQL: average and median aggregates; 4 elsewhere: averages per
    # community and in total, middle values per community and in total), follow-ups,
    # sessions, visits, consultations (4); the 排查 ledger's sweeps and findings (1); the
    # committees (1); hours by role (1); the trend's conclusions of the cases and of the
    # reopenings' earlier rounds (2). (The court filings are the court-figures module's;
    # stubbed here.)
    assert len(many) == len(few)
    budget = 16 if connection.vendor == "postgresql" else 18
    assert len(many) == budget, "\n".join(q["sql"][:120] for q in many.captured_queries)


# --- The balance identity over random case histories -------------------------------------------

OUTCOMES = st.sampled_from(
    [
        "settled_written",
        "settled_oral",
        "failed",
        "party_refuses",
        "withdrawn",
        "declined_duplicate",
        "referred_out",
        "",
    ]
)

#: A round: its outcome and how many days after its acceptance it ended.
ROUND = st.tuples(OUTCOMES, st.integers(min_value=0, max_value=70))


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    histories=st.lists(
        st.tuples(
            st.sampled_from([J, B]),
            st.booleans(),  # handled by the street committee
            st.sampled_from(["neighbour", "labour", "other"]),
            st.integers(min_value=0, max_value=150),  # accepted, days after 1 July
            st.lists(st.integers(min_value=0, max_value=40), max_size=2),  # reopened after
            ROUND,
        ),
        max_size=12,
    ),
    period=st.sampled_from(["2026-08", "2026-09", "2026-Q3", "2026-08-15..2026-09-10"]),
)
def test_the_balance_holds_for_every_row_over_random_histories(
    identity_world: None, histories: list, period: str
) -> None:
    """上期结转 + 受理 = 成功 + 不成功 + 上交 + 撤回/终止 + 期末在办 for every community,
    committee, type and the total, whatever the cases' histories: accepted, settled and
    reopened any number of times, concluded or not, in and around the period."""
    Case.objects.all().delete()
    start = at(1, 7)
    for community, street, dispute_type, accepted_after, reopen_gaps, (
        outcome,
        length,
    ) in histories:
        accepted = start + timedelta(days=accepted_after)
        moment = accepted
        rounds = []
        for gap in reopen_gaps:  # each settled, then reopened ``gap`` days later
            settled = moment + timedelta(days=gap)
            reopened = settled + timedelta(days=1)
            rounds.append((moment, settled, reopened))
            moment = reopened
        ended = moment + timedelta(days=length)
        case = dispute(
            community,
            accepted=accepted,
            outcome=outcome,
            settled=ended if outcome.startswith("settled") else None,
            closed=ended if outcome and not outcome.startswith("settled") else None,
            level="referred_out" if outcome == "referred_out" else "community",
            street_committee=street,
            dispute_type=dispute_type,
        )
        for round_start, settled, reopened in rounds:
            CaseReopening.objects.create(
                case=case,
                at=reopened,
                accepted_at=round_start,
                outcome="settled_written",
                level="community",
                settled_at=settled,
            )
    report = figures.compute(
        list(Community.objects.filter(name__in=[J, B])), figures.parse_period(period), "联盟街道"
    )
    rows = [
        report.total,
        *report.rows,
        *report.by_type,
        *(unit.total for unit in report.units),
        *(row for unit in report.units for row in unit.by_type),
    ]
    for row in rows:
        assert row.balance_holds, row
        assert row.settled == row.written + row.oral
        assert row.ended == row.withdrawn + row.declined
        assert row.accepted == row.source_parties + row.source_initiative + row.source_referred
        assert min(row.carried_in, row.still_open) >= 0
    for name in (*BALANCE_IN, *BALANCE_OUT):
        assert getattr(report.total, name) == sum(getattr(r, name) for r in report.rows)
        assert getattr(report.total, name) == sum(getattr(u.total, name) for u in report.units)


@pytest.fixture
def identity_world(demo: None) -> None:
    """The demo district, once for all the generated histories."""


def test_the_by_type_table_shows_every_column_with_its_definitions(world: None) -> None:
    report = september()
    page = render_to_string("cases/statistics/_official_table.html", {"report": report})
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count('<th scope="row">') == 16  # 15 types and 合计
    assert page.count('scope="col"') == 14 and "<caption" in page
    neighbour = body.split('<th scope="row">邻里</th>')[1].split("</tr>")[0]
    # 受理 3, 成功 1, 不成功 0, 上交 1, 成功率, 办结成功率, 书面/口头, 司法确认, 已履行, 万元,
    # 占比, 上期结转, 结转下期
    cells = [cell.split("</td>")[0] for cell in neighbour.split("<td>")[1:]]
    assert cells == [
        "3",
        "1",
        "0",
        "1",
        "33.3",
        "50.0",
        "1 / 0",
        "1 / 1",
        "1",
        "0.80",
        "33.3",
        "2",
        "2",
    ]
    total = body.split('<tr class="total">')[1]
    assert [cell.split("</td>")[0] for cell in total.split("<td>")[1:6]] == [
        "9",
        "3",
        "2",
        "1",
        "33.3",
    ]
    assert "调解成功数可以大于受理数" in page  # beside 成功率: figures are flows
    for label, _definition in figures.DEFINITIONS:
        assert f"<dt>{label}</dt>" in page
