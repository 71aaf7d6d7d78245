"""Races on PostgreSQL: 8 threads released together on the same case, committee or person,
each race repeated 50 times on fresh objects."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cases.actions import do_update_case
from cases.changes import StaleCase
from cases.choices import State, VisitStatus
from cases.intake.actions import do_accept_case
from cases.mediation.actions import do_terminate_case
from cases.models import Case, CaseEvent, VisitRequest
from cases.visits.actions import do_request_visit, do_schedule_visit
from clinic.models import Grid
from scheduling.actions import Clash
from scheduling.models import Commitment
from tests.cases.factories import fresh, in_state, user
from tests.races import REPEATS, THREADS, of_type, race
from tests.scheduling.factories import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())


def test_concurrent_transitions_on_one_case_have_exactly_one_winner(world: None) -> None:
    mediator = user("mediator")
    for round_ in range(REPEATS):
        case = in_state(State.SIT_IN)
        seen = case.version

        def terminate(i: int, case: Case = case, seen: int = seen) -> Any:
            return do_terminate_case(
                Case.objects.get(pk=case.pk),
                actor=mediator,
                version=seen,
                outcome="failed",
                note=f"线程 {i}",
            )

        results = race(terminate)
        assert len(of_type(results, CaseEvent)) == 1, (round_, results)
        odd = [r for r in results if not isinstance(r, CaseEvent | StaleCase)]
        assert not odd, (round_, [repr(r) for r in odd])
        assert fresh(case).state == State.CLOSED
        assert CaseEvent.objects.filter(case=case, transition="terminate").count() == 1


def test_concurrent_acceptances_get_unique_gap_free_numbers(world: None) -> None:
    mediator = user("mediator")
    accepted: list[Case] = []
    for round_ in range(REPEATS):
        cases = [in_state(State.REGISTERED) for _ in range(THREADS)]

        def accept(i: int, cases: list[Case] = cases) -> Any:
            return do_accept_case(Case.objects.get(pk=cases[i].pk), actor=mediator, version=None)

        results = race(accept)
        assert all(isinstance(r, CaseEvent) for r in results), (round_, results)
        accepted += cases
    numbers = sorted(fresh(c).number_seq or 0 for c in accepted)  # 0: left unnumbered
    assert numbers == list(range(1, THREADS * REPEATS + 1))
    assert len({fresh(c).number for c in accepted}) == THREADS * REPEATS
    assert CaseEvent.objects.filter(transition="accept").count() == THREADS * REPEATS


def test_concurrent_edits_of_one_case_lose_nothing_silently(world: None) -> None:
    mediator = user("mediator")
    for round_ in range(REPEATS):
        case = in_state(State.SIT_IN)
        seen = case.version

        def edit(i: int, case: Case = case, seen: int = seen) -> Any:
            return do_update_case(
                Case.objects.get(pk=case.pk),
                actor=mediator,
                version=seen,
                changes={"summary": f"第 {i} 位调解员的修改"},
            )

        results = race(edit)
        winners = [i for i, r in enumerate(results) if isinstance(r, list)]
        assert len(winners) == 1, (round_, results)
        assert len(of_type(results, StaleCase)) == THREADS - 1
        assert fresh(case).summary == f"第 {winners[0]} 位调解员的修改"
        assert CaseEvent.objects.filter(case=case, kind="edited").count() == 1


def _edit_form(case: Case, summary: str) -> dict[str, Any]:
    return {
        "source": case.source,
        "dispute_type": case.dispute_type,
        "summary": summary,
        "risk": case.risk,
        "amount_involved": case.amount_involved or "",
        "persons_involved": case.persons_involved,
        "prevented_criminal_persons": case.prevented_criminal_persons,
        "prevented_petition_persons": case.prevented_petition_persons,
        "grid": case.grid_id or "",
        "version": case.version,
    }


def test_people_saving_the_same_case_at_once_are_told_who_lost(world: None) -> None:
    """Through the pages: one save goes through, everyone else gets the form back with a
    message to reload, and the case holds exactly the winner's text."""
    mediator = user("mediator")
    for round_ in range(REPEATS):
        case = in_state(State.SIT_IN)
        clients = []
        for _ in range(THREADS):
            client = Client()
            client.force_login(mediator)
            clients.append(client)

        def save(i: int, case: Case = case, clients: list[Client] = clients) -> Any:
            url = reverse("cases:edit_case", args=[case.pk])
            return clients[i].post(url, _edit_form(case, f"第 {i} 次保存"))

        responses = race(save)
        codes = sorted(getattr(r, "status_code", r) for r in responses)
        assert codes == [302] + [409] * (THREADS - 1), (round_, codes)
        winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
        for response in responses:
            if response.status_code == 409:
                assert "已被他人更新" in response.content.decode(), (round_, "no message")
        assert fresh(case).summary == f"第 {winner} 次保存"
        assert CaseEvent.objects.filter(case=case, kind="edited").count() == 1


def test_concurrent_visit_requests_get_unique_gap_free_references(world: None) -> None:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    gridworker = user("gridworker")

    def request(i: int) -> Any:
        return do_request_visit(
            actor=gridworker,
            grid=grid,
            resident_name=f"居民{i}",
            resident_phone="13577778888",
            address="金江路社区 3 栋",
            problem="邻里噪音纠纷",
            dispute_type="neighbour",
            risk="yellow",
        )

    for round_ in range(REPEATS):
        results = race(request)
        assert all(isinstance(r, VisitRequest) for r in results), (round_, results)
    references = list(VisitRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == THREADS * REPEATS
    serials = sorted(int(ref.split("巡字第")[1].rstrip("号")) for ref in references)
    assert serials == list(range(1, THREADS * REPEATS + 1))


def test_eight_visits_booked_for_one_lawyer_at_once_leave_one_appointment(world: None) -> None:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    lawyer, coordinator = user("lawyer"), user("coordinator")
    for round_ in range(REPEATS):
        visits = [
            do_request_visit(
                actor=user("gridworker"),
                grid=grid,
                resident_name=f"居民{i}",
                resident_phone="13577778888",
                address="金江路社区 3 栋",
                problem="邻里噪音纠纷",
                dispute_type="neighbour",
                risk="yellow",
            )
            for i in range(THREADS)
        ]
        start = at(days=2 + round_, hour=10)

        def schedule(i: int, visits: list[VisitRequest] = visits, start: Any = start) -> Any:
            return do_schedule_visit(
                visits[i],
                actor=coordinator,
                professionals=[(lawyer, "lawyer")],
                starts_at=start + timedelta(minutes=5 * i),
                ends_at=start + timedelta(hours=1),
                place="金江路社区 3 栋",
            )

        results = race(schedule)
        clashes = of_type(results, Clash)
        assert len(clashes) == THREADS - 1, (round_, results)
        assert all(str(lawyer) in c.message for c in clashes)
        scheduled = VisitRequest.objects.filter(
            pk__in=[v.pk for v in visits], status=VisitStatus.SCHEDULED
        )
        assert scheduled.count() == 1
        # The losers' visits are untouched: still waiting for a time, nobody assigned.
        assert VisitRequest.objects.filter(
            pk__in=[v.pk for v in visits], status=VisitStatus.SUBMITTED, assignees__isnull=True
        ).count() == (THREADS - 1)
    assert Commitment.objects.active().filter(person=lawyer).count() == REPEATS
