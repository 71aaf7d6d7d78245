"""Roster suggestion with OR-Tools CP-SAT: pure data in, assignments out (no Django).

Hard constraints: a seat gets at most one person, of a role the seat accepts, who serves the
clinic; nobody sits two seats whose times overlap, or a seat while busy (leave, another
commitment); nobody sits a seat they cancelled; nobody exceeds the monthly maximum of shifts.
Objective, in order of weight: fill
as many seats as possible, bring everyone up to their monthly minimum where possible, and
spread the shifts fairly (the largest load as small as possible).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

FILL = 10_000
SHORTFALL = 100
FAIRNESS = 1
#: The search's seed when a run must be repeatable (the demo data).
RANDOM_SEED = 2026


@dataclass(frozen=True)
class SeatSlot:
    seat_id: int
    clinic_id: int
    role: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Candidate:
    person_id: int
    seat_roles: frozenset[str]
    clinics: frozenset[int]
    busy: tuple[tuple[datetime, datetime], ...] = ()
    already: int = 0  # shifts already booked this month
    minimum: int = 0
    maximum: int = 4
    cancelled: frozenset[int] = frozenset()  # seats this person cancelled: never again


@dataclass(frozen=True)
class Need:
    """What would fill the seats of one role left empty for one reason: ``people`` more of
    that role, each able to take ``shifts`` a month."""

    reason: str
    role: str
    seats: int
    people: int
    shifts: int


@dataclass
class Suggestion:
    assignments: dict[int, int] = field(default_factory=dict)  # seat → person
    unfilled: dict[int, tuple[str, int]] = field(default_factory=dict)  # seat → (why, how many)
    status: str = "unknown"
    objective: float = 0.0
    bound: float = 0.0
    seconds: float = 0.0

    @property
    def gap(self) -> float:
        """Relative distance between the solution and the solver's proven bound."""
        if self.bound == 0:
            return 0.0
        return abs(self.bound - self.objective) / abs(self.bound)


def _overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def serves(seat: SeatSlot, candidate: Candidate) -> bool:
    """The candidate holds a role the seat accepts at the seat's clinic."""
    return seat.role in candidate.seat_roles and seat.clinic_id in candidate.clinics


def eligible(seat: SeatSlot, candidate: Candidate) -> bool:
    """Serves the seat and has not cancelled it."""
    return serves(seat, candidate) and seat.seat_id not in candidate.cancelled


def suggest(
    seats: list[SeatSlot],
    candidates: list[Candidate],
    *,
    seconds: float = 10.0,
    workers: int = 2,
    deterministic: bool = False,
) -> Suggestion:
    """Solve within ``seconds`` of wall-clock time on ``workers`` threads; or, when
    ``deterministic``, on one thread with a fixed seed and ``seconds`` of the solver's
    deterministic time, so that the same input gives the same roster on any machine."""
    started = time.monotonic()
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person: dict[int, list[SeatSlot]] = defaultdict(list)
    for seat in seats:
        for candidate in candidates:
            if not eligible(seat, candidate):
                continue
            period = (seat.starts_at, seat.ends_at)
            if any(_overlaps(period, busy) for busy in candidate.busy):
                continue
            x[seat.seat_id, candidate.person_id] = model.new_bool_var(
                f"x_{seat.seat_id}_{candidate.person_id}"
            )
            by_person[candidate.person_id].append(seat)
    by_seat: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (seat_id, _person), var in x.items():
        by_seat[seat_id].append(var)
    for variables in by_seat.values():
        model.add_at_most_one(variables)
    loads = []
    shortfalls = []
    max_load = model.new_int_var(0, 1000, "max_load")
    for candidate in candidates:
        mine = by_person.get(candidate.person_id, [])
        # nobody sits two overlapping seats: at each seat's start, every seat running then
        # forms one clique (a stronger model than pairwise constraints)
        mine.sort(key=lambda s: s.starts_at)
        cliques: set[tuple[int, ...]] = set()
        for seat in mine:
            running = tuple(
                other.seat_id for other in mine if other.starts_at <= seat.starts_at < other.ends_at
            )
            if len(running) > 1:
                cliques.add(running)
        for clique in cliques:
            model.add_at_most_one([x[seat_id, candidate.person_id] for seat_id in clique])
        taken = sum(x[s.seat_id, candidate.person_id] for s in mine)
        load = model.new_int_var(0, 1000, f"load_{candidate.person_id}")
        model.add(load == taken + candidate.already)
        model.add(load <= max(candidate.maximum, candidate.already))
        loads.append(load)
        if mine:
            model.add(max_load >= load)
        if candidate.minimum > candidate.already and mine:
            short = model.new_int_var(0, candidate.minimum, f"short_{candidate.person_id}")
            model.add(short >= candidate.minimum - load)
            shortfalls.append(short)
    filled = sum(x.values()) if x else 0
    if x:
        # A valid cut: without the time-overlap rule the problem is a max-flow, whose value
        # bounds the seats that can be filled; it lets the solver prove its fill optimal.
        model.add(filled <= _flow_bound(x, candidates))
    model.maximize(FILL * filled - SHORTFALL * sum(shortfalls) - FAIRNESS * max_load)
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = RANDOM_SEED
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = workers
    status = solver.solve(model)
    result = Suggestion(seconds=time.monotonic() - started)
    result.status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(status, "unknown")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.objective = solver.objective_value
        result.bound = solver.best_objective_bound
        for (seat_id, person_id), var in x.items():
            if solver.value(var):
                result.assignments[seat_id] = person_id
    for seat in seats:
        if seat.seat_id not in result.assignments:
            result.unfilled[seat.seat_id] = explain(seat, candidates, result.assignments, seats)
    return result


def _flow_bound(x: Mapping[tuple[int, int], object], candidates: list[Candidate]) -> int:
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    seat_node: dict[int, int] = {}
    person_node: dict[int, int] = {}
    for seat_id, person_id in x:
        if seat_id not in seat_node:
            seat_node[seat_id] = 2 + len(seat_node) + len(person_node)
            flow.add_arc_with_capacity(source, seat_node[seat_id], 1)
        if person_id not in person_node:
            person_node[person_id] = 2 + len(seat_node) + len(person_node)
        flow.add_arc_with_capacity(seat_node[seat_id], person_node[person_id], 1)
    for candidate in candidates:
        node = person_node.get(candidate.person_id)
        if node is not None:
            spare = max(candidate.maximum - candidate.already, 0)
            flow.add_arc_with_capacity(node, sink, spare)
    flow.solve(source, sink)
    return flow.optimal_flow()


def explain(
    seat: SeatSlot,
    candidates: list[Candidate],
    assignments: dict[int, int],
    seats: list[SeatSlot],
) -> tuple[str, int]:
    """Why a seat stays empty, and how many people the reason concerns:

    - ``("no_one", 0)``: nobody of that role serves the clinic;
    - ``("cancelled", n)``: the n who do have each cancelled this very seat;
    - ``("busy", n)``: all n who could are on leave, busy or sit another seat then;
    - ``("full", n)``: the n who are free have reached their monthly maximum;
    - ``("open", n)``: n could still take it (the search stopped before it got there).
    """
    serving = [c for c in candidates if serves(seat, c)]
    if not serving:
        return ("no_one", 0)
    willing = [c for c in serving if seat.seat_id not in c.cancelled]
    if not willing:
        return ("cancelled", len(serving))
    period = (seat.starts_at, seat.ends_at)
    by_id = {s.seat_id: s for s in seats}
    sitting: dict[int, list[SeatSlot]] = defaultdict(list)
    for seat_id, person_id in assignments.items():
        if seat_id in by_id:
            sitting[person_id].append(by_id[seat_id])
    free = [
        c
        for c in willing
        if not any(_overlaps(period, b) for b in c.busy)
        and not any(_overlaps(period, (s.starts_at, s.ends_at)) for s in sitting[c.person_id])
    ]
    if not free:
        return ("busy", len(willing))
    under = [c for c in free if c.already + len(sitting[c.person_id]) < c.maximum]
    if not under:
        return ("full", len(free))
    return ("open", len(under))


def needs(
    unfilled: Mapping[int, tuple[str, int]], seats: list[SeatSlot], candidates: list[Candidate]
) -> list[Need]:
    """What would make the roster complete: for each role and reason seats stay empty, how
    many more people of that role (free then, serving the clinic), each taking as many shifts
    a month as the clinic allows, would fill them. Seats that could still be filled by hand
    (``open``) need nobody."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    role_of = {s.seat_id: s.role for s in seats}
    for seat_id, (reason, _count) in unfilled.items():
        if reason != "open" and seat_id in role_of:
            counts[role_of[seat_id], reason] += 1
    found = []
    for (role, reason), empty in sorted(counts.items()):
        maxima = [c.maximum for c in candidates if role in c.seat_roles and c.maximum > 0]
        maximum = max(maxima) if maxima else Candidate(0, frozenset(), frozenset()).maximum
        shifts = min(empty, maximum)
        found.append(Need(reason, role, empty, -(-empty // shifts), shifts))
    return found
