"""Soak: people working at once against gunicorn and PostgreSQL for a few minutes, then the
invariants of the records are checked.

    python -m bench.soak [--seconds 180] [--users 16]     (or: make soak)

It creates (and afterwards leaves, for inspection) a database of its own, ``clinic_soak`` on
the PostgreSQL of ``SOAK_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432``),
loads the demo district, starts gunicorn on a free loopback port and runs ``--users``
simulated people (mediators registering, accepting, editing and ending cases; professionals
booking and cancelling shifts; grid workers asking for home visits; coordinators scheduling
them; street officers reading and exporting statistics) until ``--seconds`` have passed.
Everything stays on 127.0.0.1 and the run stops by itself.

It fails (exit status 1) if any request got a 5xx, or if afterwards:
- a person holds two overlapping active commitments (shifts, visits, appointments);
- case numbers or visit references of a committee and year are not 1..n without gaps, or
  disagree with the committee's sequence;
- a case's transition events do not form one unbroken chain ending in its current state;
- a seat has two active bookings.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

SOAK_DB = "clinic_soak"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _database_url() -> str:
    base = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in LOOPBACK:
        sys.exit(f"soak runs against a loopback database only, not {parts.hostname}")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SOAK_DB}"))


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SOAK_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SOAK_DB}")


# --- Simulated people -----------------------------------------------------------------------


class Person(threading.Thread):
    """One simulated person: signs in, then repeats their kind of work until the deadline."""

    username = ""

    def __init__(self, base: str, username: str, deadline: float, log: Log) -> None:
        super().__init__(daemon=True)
        from tests.server import Browser

        self.browser = Browser(base)
        self.username = username
        self.deadline = deadline
        self.log = log
        self.random = random.Random(f"{username}-{id(self)}")

    def request(self, kind: str, method: str, path: str, data: Any = None) -> Any:
        started = time.perf_counter()
        answer = self.browser.get(path) if method == "GET" else self.browser.post(path, data or {})
        self.log.add(kind, answer.status, time.perf_counter() - started, path)
        if answer.status == 400 and kind not in self.log.samples:
            self.log.samples[kind] = answer.text
        return answer

    def run(self) -> None:
        from django.db import connections

        from clinic.management.commands.seed_demo import DEMO_PASSWORD

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
        from django.urls import reverse

        from cases.models import Case

        mine = Case.objects.filter(mediator__username=self.username)
        choice = self.random.random()
        if choice < 0.2:
            self.request("case list", "GET", reverse("cases:list"))
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
        from django.urls import reverse

        from clinic.lib.ids import with_check_character
        from clinic.models import Membership

        membership = Membership.objects.filter(user__username=self.username).first()
        community = membership.community or membership.street.communities.first()
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
        self.request("register dispute", "POST", reverse("cases:register"), data)

    def step_on(self, case: Any, name: str, data: dict[str, Any]) -> None:
        from django.urls import reverse

        from tests.server import hidden_inputs

        path = reverse("cases:transition", args=[case.pk, name])
        form = self.request(f"{name} form", "GET", path)
        if form.status != 200:
            return
        self.request(name, "POST", path, {**data, "version": hidden_inputs(form.text)["version"]})

    def edit(self, case: Any) -> None:
        from django.urls import reverse

        from tests.server import hidden_inputs

        path = reverse("cases:edit", args=[case.pk])
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
        from django.urls import reverse
        from django.utils import timezone

        from clinic import access
        from clinic.models import User
        from scheduling.models import Booking, Seat

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
        from django.urls import reverse

        from clinic.models import Membership

        if self.random.random() < 0.3:
            self.request("my visits", "GET", reverse("cases:my_visits"))
            return
        grid = Membership.objects.filter(user__username=self.username).first().grid
        data = {
            "grid": grid.pk,
            "resident_name": "王奶奶",
            "resident_phone": f"135{self.random.randrange(10**8):08d}",
            "address": f"{grid.community.name} 3 栋",
            "room": "1 单元 201",
            "elderly_alone": "on",
            "problem": "子女长期不给赡养费，老人行动不便",
            "dispute_type": "marriage_family",
            "risk": self.random.choice(["", "yellow", "orange"]),
            "preferred_times": "工作日上午",
        }
        self.request("request visit", "POST", reverse("cases:request_visit"), data)


class Coordinator(Person):
    def step(self) -> None:
        from django.urls import reverse
        from django.utils import timezone

        from cases.models import VisitRequest
        from clinic.models import Membership, User

        community = Membership.objects.filter(user__username=self.username).first().community
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
        from django.urls import reverse

        if self.random.random() < 0.7:
            self.request("statistics", "GET", reverse("cases:statistics"))
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
    from cases.models import Case, CaseEvent, CaseNumberSequence, VisitRequest
    from scheduling.models import Booking, Commitment

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


# --- Run ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--users", type=int, default=len(CAST))
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()

    url = _database_url()
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process: the soak is about the web
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    print(f"preparing {SOAK_DB} …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from tests.server import Gunicorn

    log = Log()
    with Gunicorn(url, workers=options.workers, threads=2) as server:
        deadline = time.monotonic() + options.seconds
        cast = [CAST[i % len(CAST)] for i in range(options.users)]
        people = [kind(server.url, username, deadline, log) for kind, username in cast]
        started = time.monotonic()
        print(f"{len(people)} people for {options.seconds} s on {server.url} …", flush=True)
        for person in people:
            person.start()
        for person in people:
            person.join(options.seconds + 120)
        elapsed = time.monotonic() - started

    total = sum(log.statuses.values())
    print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s)\n")
    print(f"{'what':<20}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    figures: dict[str, Any] = {"requests": total, "seconds": round(elapsed), "kinds": {}}
    for kind in sorted(log.times):
        times = sorted(log.times[kind])
        p50 = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
        codes = {s: n for (k, s), n in sorted(log.statuses.items()) if k == kind}
        figures["kinds"][kind] = {
            "n": len(times),
            "p50_ms": round(p50),
            "p95_ms": round(p95),
            "statuses": codes,
        }
        print(f"{kind:<20}{len(times):>7}{p50:>9.0f}{p95:>9.0f}  {codes}")
    broken = check_invariants()
    figures["server_errors"] = len(log.failures)
    figures["broken_invariants"] = broken
    print(f"\nserver errors: {len(log.failures)}")
    for failure in log.failures[:20]:
        print("  ", failure)
    print(f"broken invariants: {len(broken)}")
    for line in broken[:20]:
        print("  ", line)
    print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
    for kind, body in log.samples.items():
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', body, re.S)
        print(f"400 on {kind}: {[e.strip() for e in errors if e.strip()][:3]}", file=sys.stderr)
    return 1 if log.failures or broken else 0


if __name__ == "__main__":
    sys.exit(main())
