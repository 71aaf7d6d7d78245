"""The soak's simulated people, the log of what they got, and the invariants checked after the
run (``bench.soak`` imports this module once Django is set up)."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.db import connections
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNumberSequence, VisitRequest
from clinic import access
from clinic.lib.ids import with_check_character
from clinic.management.commands.seed_demo import DEMO_PASSWORD
from clinic.models import Membership, User
from scheduling.models import Booking, Commitment, Seat
from tests.server import Browser, hidden_inputs


def _membership(username: str) -> Membership:
    """The person's first role; the demo gives each person of the soak one."""
    membership = Membership.objects.filter(user__username=username).first()
    if membership is None:
        raise RuntimeError(f"{username} holds no role")
    return membership


# --- Simulated people -----------------------------------------------------------------------


class Person(threading.Thread):
    """One simulated person: signs in, then repeats their kind of work until the deadline."""

    username = ""

    def __init__(self, base: str, username: str, deadline: float, log: Log) -> None:
        super().__init__(daemon=True)
        self.browser = Browser(base)
        self.username = username
        self.deadline = deadline
        self.log = log
        self.random = random.Random(f"{username}-{id(self)}")  # noqa: S311  not for secrets

    def request(self, kind: str, method: str, path: str, data: Any = None) -> Any:
        started = time.perf_counter()
        answer = self.browser.get(path) if method == "GET" else self.browser.post(path, data or {})
        self.log.add(kind, answer.status, time.perf_counter() - started, path)
        if answer.status == 400 and kind not in self.log.samples:
            self.log.samples[kind] = answer.text
        return answer

    def run(self) -> None:
        try:
            self.browser.sign_in(self.username, DEMO_PASSWORD)
            while time.monotonic() < self.deadline:
                self.step()
                time.sleep(self.random.uniform(0.05, 0.3))  # reading, typing
        except Exception as error:  # a crash of the simulation itself is a failure too
            self.log.add("simulation-error", 599, 0.0, repr(error))
        finally:
            connections.close_all()

    def step(self) -> None:
        raise NotImplementedError


class Mediator(Person):
    def step(self) -> None:
        mine = Case.objects.filter(mediator__username=self.username)
        choice = self.random.random()
        if choice < 0.2:
            self.request("case list", "GET", reverse("cases:case_list"))
        elif choice < 0.45:
            if self.username != "mediator_street":  # disputes are registered in communities
                self.register()
        elif choice < 0.65:
            case = mine.filter(state="registered").order_by("?").first()
            if case:
                self.step_on(case, "accept", {})
        elif choice < 0.85:
            case = mine.filter(state="sit_in").order_by("?").first()
            if case:
                self.edit(case)
        else:
            case = mine.filter(state="sit_in").order_by("?").first()
            if case:
                self.step_on(
                    case, "terminate", {"outcome": "failed", "note": "双方分歧较大，已告知诉讼途径"}
                )

    def register(self) -> None:
        membership = _membership(self.username)
        community = membership.community
        if community is None and membership.street is not None:  # a street-wide mediator
            community = membership.street.communities.first()
        if community is None:
            raise RuntimeError(f"{self.username} has no community to register in")
        serial = self.random.randrange(1000)
        data = {
            "community": community.pk,
            "source": "walk_in",
            "dispute_type": self.random.choice(["neighbour", "contract", "marriage_family"]),
            "summary": "邻里之间因漏水发生纠纷，双方多次协商未果",
            "persons_involved": 2,
            "register_anyway": "on",
            "applicant-side": "applicant",
            "applicant-name": "周大妈",
            "applicant-id_type": "resident_id",
            "applicant-id_number": with_check_character(f"53010319550302{serial:03d}"),
            "applicant-phone": f"138{self.random.randrange(10**8):08d}",
            "applicant-consented": "on",
            "applicant-notice_method": "written",
            "respondent-side": "respondent",
            "respondent-name": "吴先生",
            "respondent-phone": f"139{self.random.randrange(10**8):08d}",
            "respondent-consented": "on",
            "respondent-notice_method": "oral",
        }
        self.request("register dispute", "POST", reverse("cases:register_dispute"), data)

    def step_on(self, case: Any, name: str, data: dict[str, Any]) -> None:
        path = reverse("cases:fire_transition", args=[case.pk, name])
        form = self.request(f"{name} form", "GET", path)
        if form.status != 200:
            return
        self.request(name, "POST", path, {**data, "version": hidden_inputs(form.text)["version"]})

    def edit(self, case: Any) -> None:
        path = reverse("cases:edit_case", args=[case.pk])
        form = self.request("edit form", "GET", path)
        if form.status != 200:
            return
        data = {
            "source": case.source,
            "dispute_type": case.dispute_type,
            "summary": f"{case.summary[:60]}（{self.username} 补充）",
            "risk": case.risk,
            "amount_involved": case.amount_involved or "",
            "persons_involved": case.persons_involved,
            "prevented_criminal_persons": case.prevented_criminal_persons,
            "prevented_petition_persons": case.prevented_petition_persons,
            "grid": case.grid_id or "",
            "version": hidden_inputs(form.text)["version"],
        }
        self.request("edit case", "POST", path, data)


class Professional(Person):
    def step(self) -> None:
        me = User.objects.get(username=self.username)
        choice = self.random.random()
        if choice < 0.3:
            self.request("my roster", "GET", reverse("scheduling:my_roster"))
        elif choice < 0.75:
            communities = access.communities_for(me)
            seat = (
                Seat.objects.filter(
                    role__in=access.roles(me),
                    session__clinic__community__in=communities,
                    session__status="published",
                    session__starts_at__gt=timezone.now() + timedelta(hours=1),
                )
                .exclude(bookings__status="active")
                .order_by("?")
                .first()
            )
            if seat:
                self.request("book seat", "POST", reverse("scheduling:book_seat", args=[seat.pk]))
        else:
            booking = (
                Booking.objects.filter(
                    person=me, status="active", seat__session__starts_at__gt=timezone.now()
                )
                .order_by("?")
                .first()
            )
            if booking:
                self.request(
                    "cancel booking",
                    "POST",
                    reverse("scheduling:cancel_booking", args=[booking.pk]),
                    {"reason": "临时出庭"},
                )


class GridWorker(Person):
    def step(self) -> None:
        if self.random.random() < 0.3:
            self.request("my visits", "GET", reverse("cases:my_visits"))
            return
        grid = _membership(self.username).grid
        if grid is None:
            raise RuntimeError(f"{self.username} holds no grid")
        data = {
            "grid": grid.pk,
            "resident_name": "王奶奶",
            "resident_phone": f"135{self.random.randrange(10**8):08d}",
            "address": f"{grid.community.name} {self.random.randrange(1, 40)} 栋",
            "room": "1 单元 201",
            "elderly_alone": "on",
            "problem": "子女长期不给赡养费，老人行动不便",
            "dispute_type": "marriage_family",
            "risk": self.random.choice(["", "yellow", "orange"]),
            "preferred_times": "工作日上午",
        }
        answer = self.request("request visit", "POST", reverse("cases:request_visit"), data)
        if answer.status == 409:  # "可能重复": the same name and building; another resident
            data["similar"] = "new"
            self.request("request visit", "POST", reverse("cases:request_visit"), data)


class Coordinator(Person):
    def step(self) -> None:
        community = _membership(self.username).community
        if self.random.random() < 0.4:
            self.request("visit board", "GET", reverse("cases:visit_board"))
            return
        visit = (
            VisitRequest.objects.filter(community=community, status="submitted")
            .order_by("?")
            .first()
        )
        if not visit:
            return
        people = Membership.objects.active().filter(
            community=community, role__in=["lawyer", "police"]
        )
        chosen = self.random.choice(list(people))
        user = User.objects.get(pk=chosen.user_id)
        day = timezone.localdate() + timedelta(days=self.random.randrange(1, 20))
        hour = self.random.choice([9, 10, 14, 15, 16])
        data = {
            "day": day.isoformat(),
            "starts": f"{hour:02d}:00",
            "ends": f"{hour + 1:02d}:00",
            "place": visit.address,
            "professionals": [f"{user.pk}:{chosen.role}"],
        }
        self.request(
            "schedule visit",
            "POST",
            reverse("cases:schedule_visit", args=[visit.pk]),
            [(k, v) for k, vs in data.items() for v in ([vs] if isinstance(vs, str) else vs)],
        )


class StreetOfficer(Person):
    def step(self) -> None:
        if self.random.random() < 0.7:
            self.request("statistics", "GET", reverse("cases:statistics_page"))
        else:
            self.request("statistics CSV", "GET", reverse("cases:statistics_export", args=["csv"]))


CAST: list[tuple[type[Person], str]] = [
    (Mediator, "mediator"),
    (Mediator, "mediator"),
    (Mediator, "mediator_jinse"),
    (Mediator, "mediator_street"),
    (Professional, "judge"),
    (Professional, "lawyer"),
    (Professional, "lawyer_jinse"),
    (Professional, "police"),
    (GridWorker, "gridworker"),
    (GridWorker, "gridworker_jinse"),
    (Coordinator, "coordinator"),
    (Coordinator, "coordinator_jinse"),
    (StreetOfficer, "street"),
    (Mediator, "mediator_jinse"),
    (Professional, "prosecutor"),
    (GridWorker, "gridworker"),
]


class Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.failures: list[str] = []
        self.samples: dict[str, str] = {}

    def add(self, kind: str, status: int, seconds: float, path: str) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.statuses[(kind, status)] += 1
            if status >= 500:
                self.failures.append(f"{status} {kind} {path}")


# --- Invariants -----------------------------------------------------------------------------


def check_invariants() -> list[str]:
    broken = []
    by_person: dict[int, list[Any]] = defaultdict(list)
    for c in Commitment.objects.active().order_by("person_id", "starts_at"):
        by_person[c.person_id].append(c)
    for person, items in by_person.items():
        for a, b in itertools.pairwise(items):
            if b.starts_at < a.ends_at:
                broken.append(f"person {person}: commitments {a.pk} and {b.pk} overlap")

    # Numbers belong to the committee that issued them ("(2026)盘金调人调字第5号"); an
    # escalated case keeps its number under the street committee, so group by the number.
    numbered = defaultdict(list)
    texts = [*Case.objects.exclude(number="").values_list("number", flat=True)]
    texts += VisitRequest.objects.values_list("reference", flat=True)
    for text in texts:
        head, _, tail = text.rpartition("第")
        numbered[head].append(int(tail.rstrip("号")))
    for head, seqs in numbered.items():
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            broken.append(f"numbers {head}… are not 1..{len(seqs)} without gaps")
    for s in CaseNumberSequence.objects.select_related("committee"):
        infix = "人调字" if s.kind == "case" else "巡字"
        head = f"({s.year}){s.committee.case_prefix}{infix}"
        if s.last != len(numbered.get(head, [])):
            broken.append(f"sequence {head} at {s.last}, {len(numbered.get(head, []))} issued")

    chains: dict[int, list[Any]] = defaultdict(list)
    for e in CaseEvent.objects.exclude(transition="").order_by("case_id", "at", "pk"):
        chains[e.case_id].append(e)
    states = dict(Case.objects.values_list("pk", "state"))
    for case_id, events in chains.items():
        for a, b in itertools.pairwise(events):
            if a.to_state != b.from_state:
                broken.append(
                    f"case {case_id}: event {b.pk} starts from {b.from_state}, not {a.to_state}"
                )
        if events[-1].to_state != states[case_id]:
            broken.append(
                f"case {case_id}: last event ends in {events[-1].to_state}, "
                f"the case is {states[case_id]}"
            )

    seats = Counter(Booking.objects.filter(status="active").values_list("seat_id", flat=True))
    broken += [f"seat {seat} has {n} active bookings" for seat, n in seats.items() if n > 1]
    return broken
