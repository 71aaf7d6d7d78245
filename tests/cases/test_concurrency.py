"""Races on PostgreSQL: threads released together on the same case or committee."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connections

from cases import actions
from cases.choices import State
from cases.models import Case, CaseEvent
from tests.cases.factories import fresh, in_state, user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _race(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in THREADS threads released at the same moment; return results or
    the exceptions raised."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def world() -> None:
    call_command("seed_demo", "--base-only", stdout=io.StringIO())


def test_concurrent_transitions_on_one_case_have_exactly_one_winner(world: None) -> None:
    case = in_state(State.SIT_IN)
    seen = case.version

    def terminate(i: int) -> Any:
        return actions.do_terminate_case(
            Case.objects.get(pk=case.pk),
            actor=user("mediator"),
            version=seen,
            outcome="failed",
            note=f"线程 {i}",
        )

    results = _race(terminate)
    winners = [r for r in results if isinstance(r, CaseEvent)]
    losers = [r for r in results if isinstance(r, actions.StaleCase)]
    assert len(winners) == 1 and len(losers) == THREADS - 1
    assert fresh(case).state == State.CLOSED
    assert CaseEvent.objects.filter(case=case, transition="terminate").count() == 1


def test_concurrent_acceptances_get_unique_gap_free_numbers(world: None) -> None:
    cases = [in_state(State.REGISTERED) for _ in range(THREADS)]

    def accept(i: int) -> Any:
        return actions.do_accept_case(
            Case.objects.get(pk=cases[i].pk), actor=user("mediator"), version=None
        )

    results = _race(accept)
    assert all(isinstance(r, CaseEvent) for r in results), results
    numbers = sorted(fresh(c).number_seq for c in cases)
    assert numbers == list(range(1, THREADS + 1))
    assert len({fresh(c).number for c in cases}) == THREADS


def test_concurrent_edits_of_one_case_lose_nothing_silently(world: None) -> None:
    case = in_state(State.SIT_IN)
    seen = case.version

    def edit(i: int) -> Any:
        return actions.do_update_case(
            Case.objects.get(pk=case.pk),
            actor=user("mediator"),
            version=seen,
            changes={"summary": f"第 {i} 位调解员的修改"},
        )

    results = _race(edit)
    assert sum(isinstance(r, list) for r in results) == 1
    assert sum(isinstance(r, actions.StaleCase) for r in results) == THREADS - 1
    winner = results.index(next(r for r in results if isinstance(r, list)))
    assert fresh(case).summary == f"第 {winner} 位调解员的修改"
    assert CaseEvent.objects.filter(case=case, kind="edited").count() == 1
