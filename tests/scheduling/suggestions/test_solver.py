"""The roster suggestion on a generated street: 10 clinics, 8 sessions a month each, 4 seats,
60 professionals."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.generate import street
from scheduling.solver import Candidate, Need, SeatSlot, eligible, needs, suggest


def _overlap(a: SeatSlot, b: SeatSlot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def test_every_hard_constraint_holds_and_the_result_is_near_optimal() -> None:
    seats, candidates = street()
    result = suggest(seats, candidates, seconds=10)
    assert result.status in {"optimal", "feasible"}
    assert result.status == "optimal" or result.gap <= 0.05
    by_seat = {s.seat_id: s for s in seats}
    by_person = {c.person_id: c for c in candidates}
    taken: dict[int, list[SeatSlot]] = {}
    for seat_id, person_id in result.assignments.items():
        seat, person = by_seat[seat_id], by_person[person_id]
        assert eligible(seat, person)  # right role, serves the clinic
        assert not any(seat.starts_at < b[1] and b[0] < seat.ends_at for b in person.busy)
        taken.setdefault(person_id, []).append(seat)
    for person_id, mine in taken.items():
        assert len(mine) <= by_person[person_id].maximum
        for i, a in enumerate(mine):
            assert not any(_overlap(a, b) for b in mine[i + 1 :])
    assert len(result.assignments) + len(result.unfilled) == len(seats)
    # fairly spread: nobody carries more than the cap, and most people who could sit do
    loads = Counter(result.assignments.values())
    assert max(loads.values()) <= 6


def test_an_impossible_seat_is_explained() -> None:
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    end = start + timedelta(hours=2)
    seats = [
        SeatSlot(1, 1, "police", start, end),  # nobody serves clinic 1 as police
        SeatSlot(2, 2, "judge", start, end),  # the only judge is on leave
        SeatSlot(3, 3, "lawyer", start, end),  # two lawyer seats at once, one lawyer
        SeatSlot(4, 4, "lawyer", start, end),
        SeatSlot(5, 5, "prosecutor", start, end),  # the prosecutor has reached the maximum
    ]
    candidates = [
        Candidate(10, frozenset({"police"}), frozenset({9}), (), 0, 0, 4),
        Candidate(11, frozenset({"judge"}), frozenset({2}), ((start, end),), 0, 0, 4),
        Candidate(12, frozenset({"lawyer"}), frozenset({3, 4}), (), 0, 0, 4),
        Candidate(13, frozenset({"prosecutor"}), frozenset({5}), (), 2, 0, 2),
    ]
    result = suggest(seats, candidates, seconds=5)
    assert result.status == "optimal"
    assert result.unfilled[1] == ("no_one", 0)
    assert result.unfilled[2] == ("busy", 1)
    assert len([s for s in (3, 4) if s in result.assignments]) == 1
    # the lawyer sits the other seat then: busy, told apart from the monthly maximum
    assert next(result.unfilled[s] for s in (3, 4) if s in result.unfilled) == ("busy", 1)
    assert result.unfilled[5] == ("full", 1)


def test_a_seat_someone_cancelled_is_never_given_back_to_them() -> None:
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seats = [SeatSlot(1, 1, "judge", start, start + timedelta(hours=2))]
    cancelled = Candidate(1, frozenset({"judge"}), frozenset({1}), cancelled=frozenset({1}))
    result = suggest(seats, [cancelled], seconds=5)
    assert result.assignments == {}
    assert result.unfilled[1] == ("cancelled", 1)
    other = Candidate(2, frozenset({"judge"}), frozenset({1}))
    assert suggest(seats, [cancelled, other], seconds=5).assignments == {1: 2}


def test_what_would_fill_the_roster_counts_people_and_shifts_per_role() -> None:
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seats = [
        SeatSlot(i, 1, "lawyer", start + timedelta(days=i), start + timedelta(days=i, hours=2))
        for i in range(1, 4)
    ]
    lawyer = Candidate(1, frozenset({"lawyer"}), frozenset({1}), maximum=1)
    result = suggest(seats, [lawyer], seconds=5)
    assert len(result.unfilled) == 2
    assert needs(result.unfilled, seats, [lawyer]) == [Need("full", "lawyer", 2, 2, 1)]
    two_a_month = Candidate(1, frozenset({"lawyer"}), frozenset({1}), already=2, maximum=2)
    result = suggest(seats, [two_a_month], seconds=5)
    assert needs(result.unfilled, seats, [two_a_month]) == [Need("full", "lawyer", 3, 2, 2)]


def test_the_monthly_maximum_counts_shifts_already_booked() -> None:
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seats = [
        SeatSlot(i, 1, "judge", start + timedelta(days=i), start + timedelta(days=i, hours=2))
        for i in range(1, 5)
    ]
    candidates = [Candidate(1, frozenset({"judge"}), frozenset({1}), (), 3, 0, 4)]
    result = suggest(seats, candidates, seconds=5)
    assert len(result.assignments) == 1
