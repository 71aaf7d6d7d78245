"""No form route answers with a server error, whatever the case's state, the person, the input.

The form routes are the routes of the access table (``tests/test_access_matrix.py``) whose
view takes a POST, found from the views themselves: a class-based view with ``post``, or a
function view that names ``POST`` (``require_POST``, ``request.POST``, ``request.method``).
Each has a valid submission in ``tests/form_payloads.py`` (a new form route without one fails
``test_every_form_route_has_a_valid_form``, naming it).

For a case in each state of the README's state diagram, every form route about a case is
submitted by every role the table lets see it (``own`` and ``own_403``); the other form routes
once, on the access table's objects (and on a visit under way, a waiting one, a booking within
the hour). Each form is sent as its valid self, then as hypothesis's mutations of it (fields
dropped, or replaced by hostile text, lists, files): two where the valid form was done, one
where it was refused. Every request runs in a savepoint rolled back afterwards, so each one
meets the same case.

- No answer is a server error (≥ 500) or an exception.
- A valid form is done (a redirect, without an error message) or refused by policy: 400 (a
  rule of the step), 403, 409; every form is done at least once somewhere.
- A mutated form answered with anything but a redirect wrote nothing, and no answer echoes
  markup unescaped.

The number of requests is written to the terminal at the end (``form routes: …``); with
``FORM_ROUTES_TABLE=1`` also each form's answers and where it was done.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from cases.actions import do_assign_professional
from cases.choices import State
from cases.consultations.actions import do_conclude_consultation
from cases.mediation.actions import do_add_attachment, do_add_record, do_save_agreement
from cases.models import DisputeSubtype, FollowUp
from cases.transitions import TRANSITIONS
from cases.visits.actions import do_request_visit, do_schedule_visit
from clinic.actions import do_create_person, do_notify
from clinic.choices import Role
from clinic.lib.uploads import check_upload
from clinic.models import Community, Grid, Holiday
from scheduling import actions as roster
from tests.cases.factories import convened, fresh, in_state, signed_agreement
from tests.conftest import client_for, person
from tests.form_payloads import NEW_PASSWORD, TRANSITION_VALID, VALID, Target
from tests.scheduling.factories import at, seat, session
from tests.test_access_matrix import ROLES, TABLE, Rule, _build, _kwargs, _scan
from tests.test_fuzz_forms import HOSTILE, TEXT, _writes

README = Path(__file__).resolve().parents[1] / "README.md"

#: What a valid form may be answered with: done (2xx, 3xx) or refused by the README's policy.
POLICY = {200, 204, 302, 303, 400, 403, 409}
#: Routes whose done answer is a page, not a redirect.
ANSWER_WITH_A_PAGE = {"cases:reveal_party", "cases:reveal_follow_up"}
#: Forms no case of the README's states can take, and why.
NEVER_DONE = {
    ("cases:fire_transition", "answer_question"): "only legal advice is answered, and advice "
    "is closed when it is logged",
    ("scheduling:undo_check_out", ""): "only a check-out of the last ten minutes is undone, and "
    "no booking here was checked out (tests/scheduling/bookings/test_undo_check_out.py)",
}
#: Access-table kinds that are about a case, and the object each one needs.
CASE_KINDS = {
    "case": "case",
    "case_step": "case",
    "case_professional": "professional",
    "party": "party",
    "agreement": "agreement",
    "signed_agreement": "signed",
    "follow_up": "follow_up",
    "consultation": "consultation",
}
#: The two-step sign-in pages answer 404 unless it is switched on; then everyone uses them.
TWO_FACTOR = {"two_factor_setup", "two_factor_verify"}
MARKS = ("<script>alert", "<svg onload", "<img src=x onerror")


# --- which routes take a form, and which states a case has -------------------------------------


def _views() -> dict[str, Callable[..., Any]]:
    views: dict[str, Callable[..., Any]] = {}

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if not str(p.pattern).startswith("admin"):
                    walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                views[f"{namespace}:{p.name}" if namespace else str(p.name)] = p.callback

    walk(get_resolver().url_patterns, None)
    return views


def takes_post(view: Callable[..., Any]) -> bool:
    """A class-based view with ``post``; a function view (with its decorators) that names
    ``POST``: ``require_POST``, ``request.POST``, ``request.method == "POST"``."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return "POST" in inspect.getsource(inspect.unwrap(view))


@functools.cache
def form_routes() -> tuple[str, ...]:
    return tuple(sorted(n for n, view in _views().items() if n in TABLE and takes_post(view)))


def readme_states() -> list[str]:
    """The states of the README's state diagram, in the order they are first named."""
    diagram = README.read_text().split("stateDiagram-v2", 1)[1].split("```", 1)[0]
    names = re.findall(r"^\s*(\w+|\[\*\]) --> (\w+|\[\*\])", diagram, re.MULTILINE)
    return list(dict.fromkeys(s for pair in names for s in pair if s != "[*]"))


def test_every_form_route_has_a_valid_form() -> None:
    routes = form_routes()
    # Forms: the sign-in and the account, people, holidays, cases and their parties, records,
    # agreements, follow-ups, consultations, visits, statistics, the roster (73 today).
    assert len(routes) >= 73, routes
    missing = sorted(set(routes) - set(VALID))
    assert not missing, f"add a valid form of these routes to tests/form_payloads.py: {missing}"
    assert not sorted(set(VALID) - set(routes)), "VALID names routes that take no form"
    missing = sorted(set(TRANSITIONS) - set(TRANSITION_VALID))
    assert not missing, f"add these transitions to TRANSITION_VALID: {missing}"
    assert set(TRANSITION_VALID) == set(TRANSITIONS)


def test_the_readme_names_every_state_of_a_case() -> None:
    assert sorted(readme_states()) == sorted(State.values)


# --- the objects --------------------------------------------------------------------------------


@pytest.fixture
def place(demo: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The access table's objects of 金江路社区, a second mediator there (to hand a case to,
    and a person with no open work), the judge's seat in a session half an hour on, a visit
    request still waiting and one whose visit began an hour ago."""
    settings.MEDIA_ROOT = tmp_path
    own = _build(
        "金江路社区", "mediator", "coordinator", "gridworker", "jinjianglu", "lawyer", "lawyer",
        "police",
    )  # fmt: skip
    community = Community.objects.get(name="金江路社区")
    own["person"] = do_create_person(
        username="mediator2",
        password=NEW_PASSWORD,
        display_name="何雪梅",
        actor=person("admin"),
        role=Role.MEDIATOR,
        region=community,
    )
    own["notification"] = do_notify([person("mediator")], key="m1", title="t")[0]
    own["leave"] = roster.do_record_leave(
        person("judge"), starts_at=at(days=40), ends_at=at(days=41), reason="r"
    )
    own["holiday"] = Holiday.objects.order_by("pk").first()
    own["subtype"] = DisputeSubtype.objects.order_by("pk").first()
    own["roster_person"] = person("police")  # on the roster of the coordinator's clinic
    soon = session(starts_at=timezone.now() + timedelta(minutes=30))
    own["booking_soon"] = roster.do_book_seat(
        seat(soon, "judge"), person=person("judge"), actor=person("judge")
    )
    grid = Grid.objects.filter(community=community).order_by("code").first()
    own["waiting_visit"], own["visit_under_way"] = (
        do_request_visit(
            actor=person("gridworker"),
            grid=grid,
            resident_name="居民",
            resident_phone=phone,
            address="2 栋",
            problem="p",
        )
        for phone in ("13900000001", "13900000002")
    )
    started = timezone.now() - timedelta(hours=1)
    do_schedule_visit(
        own["visit_under_way"],
        actor=person("coordinator"),
        professionals=[(person("lawyer"), "lawyer")],
        starts_at=started,
        ends_at=started + timedelta(hours=2),
        place="2 栋",
    )
    return own


def case_in(state: str) -> dict[str, Any]:
    """A case of 金江路社区 in ``state``, through the actions, and the objects about it: the
    lawyer advising; a consultation (concluded in sit-in, open in joint consultation); an
    agreement: none in sit-in, a draft on patrol, signed in joint consultation and once
    settled (so that each agreement page and each transition has a case it can be done on);
    the follow-up, given to the grid worker; once closed, every paper of its case file."""
    grid = Grid.objects.filter(community__name="金江路社区").order_by("code").first()
    made: dict[str, Any] = {"community": "金江路社区", "mediator": "mediator", "grid": grid}
    mediator = person("mediator")
    objects: dict[str, Any] = {}
    if state in (State.SIT_IN, State.JOINT_CONSULTATION):
        case = in_state(State.SIT_IN, **made)
        if state == State.JOINT_CONSULTATION:
            signed_agreement(fresh(case))
        objects["consultation"] = convened(fresh(case))
        if state == State.SIT_IN:
            do_conclude_consultation(
                fresh(case), actor=mediator, version=None, joint_opinion="o", attended="a"
            )
    else:
        case = in_state(state, **made)
        if state == State.PATROL:
            do_save_agreement(fresh(case), actor=mediator, data=AGREEMENT)
        if state == State.CLOSED:  # with every paper its case file needs, to be archived
            do_add_record(fresh(case), actor=mediator, data={"held_at": timezone.now(), **RECORD})
            scan = check_upload(_scan(), max_bytes=10**7, allowed=frozenset({"png"}))
            for kind in ("signed_agreement", "signed_record", "signed_notice", "id_proof"):
                do_add_attachment(
                    fresh(case), actor=mediator, kind=kind, upload=scan, original_name="scan.png"
                )
    lawyer = person("lawyer")
    do_assign_professional(
        fresh(case), actor=person("coordinator"), professional=lawyer, role="lawyer"
    )
    case = fresh(case)
    objects |= {"case": case, "party": case.parties.first(), "professional": lawyer}
    if case.current_agreement is not None:
        objects["agreement"] = objects["signed"] = case.current_agreement
    follow_up = FollowUp.objects.filter(case=case).order_by("-pk").first()
    if follow_up is not None:
        FollowUp.objects.filter(pk=follow_up.pk).update(assignee=person("gridworker"))
        objects["follow_up"] = follow_up
    return objects


RECORD = {
    "place": "调解室",
    "attendees": "赵建国、钱丽、张丽萍",
    "statements": "申请人陈述漏水经过，被申请人承认防水层老化。",
    "result": "双方同意按实际损失赔偿",
}
AGREEMENT = {
    "form": "written",
    "facts": "f",
    "responsibilities": "r",
    "terms": "t",
    "performance_manner": "m",
    "copies": 3,
}


# --- sending ------------------------------------------------------------------------------------


def _file(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name[:80] or "x", content.encode("utf-8", errors="replace")[:4096])


def _mutated(value: Any, text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A value in place of a valid one: None drops the field."""
    if isinstance(value, SimpleUploadedFile):
        return st.one_of(st.builds(_file, text, text), text, st.none())
    if isinstance(value, list):
        return st.one_of(st.lists(text, max_size=3), text, st.none())
    return st.one_of(text, st.none())


def _invalid(valid: dict[str, Any], salt: int) -> st.SearchStrategy[dict[str, Any]]:
    """The valid form with at least one field replaced or dropped (a form without fields
    gets a stray one). ``salt`` turns the fields and the hostile texts round: hypothesis's
    first example is the simplest one (the first field, the first text), which then differs
    from form to form."""
    turned = HOSTILE[salt % len(HOSTILE) :] + HOSTILE[: salt % len(HOSTILE)]
    text = st.one_of(st.sampled_from(turned), TEXT)
    if not valid:
        return st.fixed_dictionaries({"stray": text})
    names = sorted(valid)
    names = names[salt % len(names) :] + names[: salt % len(names)]

    @st.composite
    def mutate(draw: st.DrawFn) -> dict[str, Any]:
        data = dict(valid)
        for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
            value = draw(_mutated(valid[name], text), label=name)
            if value is None:
                data.pop(name)
            else:
                data[name] = value
        return data

    return mutate()


def _kept_writes(queries: list[dict[str, str]]) -> list[str]:
    """The tables a request wrote and kept: writes a savepoint rolled back are left out (an
    action that began and was refused leaves nothing)."""
    levels: list[tuple[str, list[str]]] = [("", [])]
    for query in queries:
        words = query["sql"].replace('"', "").upper().split()
        name = words[-1] if words else ""
        if words[:1] == ["SAVEPOINT"]:
            levels.append((name, []))
        elif words[:3] == ["ROLLBACK", "TO", "SAVEPOINT"]:
            while len(levels) > 1 and levels[-1][0] != name:
                levels.pop()
            levels[-1] = (levels[-1][0], [])
        elif words[:2] == ["RELEASE", "SAVEPOINT"]:
            while len(levels) > 1:
                level, writes = levels.pop()
                levels[-1][1].extend(writes)
                if level == name:
                    break
        else:
            levels[-1][1].extend(_writes([query]))
    return [table for _level, writes in levels for table in writes]


@dataclass
class Run:
    """Sends the requests and keeps what came back."""

    clients: dict[str | None, Client]
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    #: (route, form) → (where it was done, what its valid form was answered)
    done: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[tuple[str, str], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def route(
        self, name: str, rule: Rule, at: str, objects: dict[str, Any], role: str | None
    ) -> None:
        """Each form of the route: the valid one, then mutations of it (two where the valid
        one was done, one where it was refused)."""
        target = Target(role, objects)
        payload = VALID[name]
        with transaction.atomic():
            sends = [(send.label, send.kwargs, send.query) for send in payload(target)]
            transaction.set_rollback(True)
        for index, (label, kwargs, query) in enumerate(sends):
            url = reverse(name, kwargs=_kwargs(rule, name, objects, role or "") | kwargs)
            url += f"?{query}" if query else ""
            where = f"{name}{f' [{label}]' if label else ''} on {at or '—'} as {role or 'nobody'}"

            def form(index: int = index) -> dict[str, Any]:
                return payload(target)[index].data

            done = self.send(name, label, url, form, None, where, role)
            self.fuzz(name, label, url, form, where, role, examples=2 if done else 1)

    def send(
        self,
        name: str,
        label: str,
        url: str,
        form: Callable[[], dict[str, Any]],
        mutate: Callable[[dict[str, Any]], dict[str, Any]] | None,
        where: str,
        role: str | None,
    ) -> bool:
        """One request, in a savepoint rolled back afterwards; whether it was done."""
        client = self.clients[role]
        session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        data: dict[str, Any] = {}
        with transaction.atomic():
            try:
                data = form()
                if mutate is not None:
                    data = mutate(data)
                self.requests += 1
                connection.queries_log.clear()  # only this request's queries are kept
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(url, data)
            except Exception as error:  # the view raised: a server error
                self.failures.append(f"{where}: raised {error!r} for {_shown(data)}")
                return False
            finally:
                transaction.set_rollback(True)
                client.cookies.clear()  # signed out, another language: back to how it was
                if session is not None:
                    client.cookies[session.key] = session.value
        status = response.status_code
        refused = any(m.level >= messages.ERROR for m in get_messages(response.wsgi_request))
        done = (status in (204, 302, 303) and not refused) or (
            status == 200 and name in ANSWER_WITH_A_PAGE
        )
        if status >= 500:
            kind = "valid" if mutate is None else "mutated"
            self.failures.append(f"{where}: {kind} form answered {status} for {_shown(data)}")
        elif mutate is None:
            self.answers[(name, label)][status] += 1
            if done:
                self.done[(name, label)].append(where.split(" on ", 1)[1])
            elif status not in POLICY:
                self.failures.append(f"{where}: the valid form was answered {status}")
        elif status not in (301, 302, 303) and (writes := _kept_writes(queries.captured_queries)):
            self.failures.append(f"{where}: {status} but wrote {writes} for {_shown(data)}")
        body = "" if response.streaming else response.content.decode(errors="replace")
        self.failures += [f"{where}: echoes {mark}" for mark in MARKS if mark in body]
        return done

    def fuzz(
        self,
        name: str,
        label: str,
        url: str,
        form: Callable[[], dict[str, Any]],
        where: str,
        role: str | None,
        examples: int,
    ) -> None:
        salt = zlib.crc32(where.encode())

        @seed(salt)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def attack(data: st.DataObject) -> None:
            def mutate(valid: dict[str, Any]) -> dict[str, Any]:
                return data.draw(_invalid(valid, salt))

            self.send(name, label, url, form, mutate, where, role)

        attack()

    def table(self) -> str:
        """Each form: its valid form's answers, and where it was done."""
        lines = []
        for (name, label), answers in sorted(self.answers.items()):
            form = f"{name} [{label}]" if label else name
            shown = ", ".join(f"{status}×{n}" for status, n in sorted(answers.items()))
            places = sorted({where.split(" as ")[0] for where in self.done[(name, label)]})
            lines.append(f"{form}: {shown}; done on {', '.join(places) or 'nothing'}")
        return "\n".join(lines)


def _shown(data: dict[str, Any]) -> str:
    return repr(
        {k: (v[:80] + "…" if isinstance(v, str) and len(v) > 80 else v) for k, v in data.items()}
    )


def _roles(name: str, rule: Rule) -> list[str | None]:
    """Everyone the table lets see the route; for the public pages also nobody signed in."""
    seeing: list[str | None] = [
        role for role in ROLES if role in rule.own | rule.own_403 or name in TWO_FACTOR
    ]
    return [None, *seeing] if rule.note.startswith("public") else seeing


def _targets(
    rule: Rule, cases: dict[str, dict[str, Any]], place: dict[str, Any]
) -> list[tuple[str, dict[str, Any], set[str]]]:
    """(what, its objects, roles that may not see it) for each object a route is sent to: a
    case in each state that has the route's object, a booking (one within the hour too, to
    check in), a visit request (one under way, to record its outcome, and a waiting one), else
    the access table's objects."""
    if rule.kind in CASE_KINDS:
        return [
            (state, objects, set())
            for state, objects in cases.items()
            if CASE_KINDS[rule.kind] in objects
        ]
    if rule.kind == "booking":
        soon = place | {"booking": place["booking_soon"]}
        return [("booking in 3 days", place, set()), ("booking within the hour", soon, set())]
    if rule.kind == "visit":
        waiting = place | {"visit": place["waiting_visit"]}
        under_way = place | {"visit": place["visit_under_way"]}
        return [
            ("visit in 5 days", place, set()),
            ("visit under way", under_way, set()),
            ("waiting visit", waiting, {"lawyer"}),
        ]
    return [("", place, set())]


def test_no_form_route_answers_with_a_server_error(
    place: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    states = readme_states()
    cases = {state: case_in(state) for state in states}
    clients: dict[str | None, Client] = {role: client_for(role) for role in ROLES}
    clients[None] = Client()
    run = Run(clients)
    routes = form_routes()
    for name in routes:
        rule = TABLE[name]
        with override_settings(TWO_FACTOR=name in TWO_FACTOR):
            for at_, objects, hidden in _targets(rule, cases, place):
                for role in _roles(name, rule):
                    if role not in hidden:
                        run.route(name, rule, at_, objects, role)
    forms = set(run.answers)
    unsent = sorted(set(routes) - {name for name, _label in forms})
    never = sorted(f"{name} [{label}]" for name, label in forms - set(run.done) - set(NEVER_DONE))
    with capsys.disabled():
        print(
            f"\nform routes: {len(routes)} routes, {len(forms)} forms, {len(states)} states, "
            f"{len(ROLES)} roles and nobody: {run.requests} requests "
            f"in {time.monotonic() - started:.0f} s"
        )
        if os.environ.get("FORM_ROUTES_TABLE"):
            print(run.table())
    assert not run.failures, "\n".join(run.failures)
    assert not unsent, f"no case or object to send these forms to: {unsent}"
    assert not never, f"valid forms never done (check tests/form_payloads.py): {never}"
