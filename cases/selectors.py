"""Reads for the case pages that span several queries: the case list's planner and rows, the
detail page's queryset and the steps offered on it."""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache, reduce
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.enums import Choices
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import access
from cases.changes import unmet_conditions
from cases.choices import (
    ACTIVE_STATES,
    OPEN_STATES,
    DisputeType,
    Kind,
    Risk,
    State,
    VisitStatus,
)
from cases.models import (
    LIST_FIELDS,
    Attachment,
    Case,
    CaseEvent,
    ConsultationInvitee,
    FollowUp,
    JointConsultation,
    Party,
    VisitRequest,
    overdue_cases,
)
from cases.statistics import figures
from cases.transitions import TRANSITIONS
from clinic import access as clinic_access
from clinic.access import memberships
from clinic.choices import Level, Role
from clinic.models import Community, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

LIST_ROLES = (Role.DISTRICT_ADMIN, Role.STREET_OFFICER, Role.COORDINATOR, Role.MEDIATOR)


def list_communities(user: User) -> list[Community]:
    """The case list's community filter: the communities of the viewer's list roles (taken
    from their memberships, without a query, when every one is a community's)."""
    held = [m for m in clinic_access.memberships(user) if m.role in LIST_ROLES]
    if all(m.level == Level.COMMUNITY for m in held):
        own = {m.community_id: m.community for m in held if m.community}  # each has one
        return sorted(own.values(), key=lambda community: community.code)
    return list(clinic_access.communities_for(user, *LIST_ROLES))


PAGE_SIZES = ["25", "50", "100"]


#: What each row of the case list shows, read as plain values (``mediator`` is its id).
ROW_FIELDS = ("pk", *LIST_FIELDS)


class Counted(Subquery):
    """How many rows a queryset has, as a number inside another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


class NewestFirst:
    """The cases of a queryset within any of the viewer's scope parts, newest first, for the
    paginator. Each part reads along its own index: a page is the newest of every part's own
    newest ones, chosen in the database by one ``UNION ALL`` where it can order and limit the
    branches of a union (PostgreSQL), merged in Python elsewhere. Parts are made disjoint
    (each excludes the ones before it), so nothing is counted or listed twice. ``rows`` turns
    the page's cases into what the list shows.

    The page the paginator is ``expected`` to ask for is read with the count, in one query
    (each part counted apart: one count of a union is slower); only a page past the end, or
    another page, costs a second one. The part read ``ahead`` (many granted cases, which have
    no index in the list's order) is read first, on its own: its newest and its count from
    one pass over it, where the page's query would read it twice."""

    ORDER = ("-registered_at", "-pk")

    def __init__(
        self,
        qs: QuerySet[Case],
        parts: list[Q],
        rows: Callable[..., QuerySet[Case, dict[str, Any]]],
        expected: slice,
        ahead: Q | None = None,
    ) -> None:
        self.rows = rows
        self.expected = expected
        self.read: tuple[slice, list[dict[str, Any]]] | None = None
        self.parts: list[QuerySet[Case]] = []
        for n, part in enumerate([*parts, *([ahead] if ahead is not None else [])]):
            own = qs.filter(part)
            for earlier in parts[:n]:
                own = own.exclude(earlier)
            self.parts.append(own.order_by(*self.ORDER))
        self.ahead = self.parts.pop() if ahead is not None else None
        self.ahead_count = 0

    def _parts(self, stop: int) -> list[QuerySet[Case]]:
        """The parts to page through: the part read ahead stands as its newest ``stop``."""
        if self.ahead is None:
            return self.parts
        read = list(self.ahead.annotate(n=Window(Count("pk"))).values_list("pk", "n")[:stop])
        self.ahead_count = read[0][1] if read else 0
        newest = Case.objects.filter(pk__any_of=[pk for pk, _n in read]).order_by(*self.ORDER)
        return [*self.parts, newest] if read else self.parts

    def count(self) -> int:
        if not self.parts and self.ahead is None:
            return 0
        page = self[self.expected]
        if page:
            return page[0]["listed"]
        if not self.parts:
            return self.ahead_count
        first, *rest = (part.order_by().values("pk") for part in self.parts)
        own = first.union(*rest, all=True).count() if rest else first.count()
        return own + self.ahead_count

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        """The rows ``window.start`` to ``window.stop``."""
        if self.read and self.read[0].start == window.start and window.stop <= self.read[0].stop:
            return self.read[1][: window.stop - window.start]
        parts = self._parts(window.stop)
        if not parts:
            return []
        asked = window
        if len(parts) == 1:
            page: QuerySet[Case, Any] | list[int] = parts[0].values("pk")[window]
            window = slice(None)
        elif connection.features.supports_slicing_ordering_in_compound:
            first, *rest = (part.values("pk")[: window.stop] for part in parts)
            page = first.union(*rest, all=True)
        else:
            heads = [part.values_list("registered_at", "pk")[: window.stop] for part in parts]
            page = [pk for _at, pk in list(heapq.merge(*heads, reverse=True))[window]]
            window = slice(None)
        counts = [Counted(part.order_by().values("pk")) for part in self.parts]
        total = reduce(operator.add, counts, Value(self.ahead_count))
        cases = Case.objects.filter(pk__in=page).order_by(*self.ORDER)
        rows = list(self.rows(cases.annotate(listed=total), "listed")[window])
        self.read = (asked, rows)
        return rows


@cache
def labels_in(choices: type[Choices], language: str) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def labels(choices: type[Choices]) -> dict[str, str]:
    """Each choice's label in the active language (translated once per language and process:
    the catalogues do not change while it runs)."""
    return labels_in(choices, translation.get_language())


def filter_options(choices: type[Choices], selected: str) -> list[tuple[str, str, bool]]:
    """A filter's ``(value, label, selected)``."""
    return [(value, label, value == selected) for value, label in labels(choices).items()]


def row_values(cases: QuerySet[Case], *also: str) -> QuerySet[Case, dict[str, Any]]:
    """The case list's rows as plain values (and the annotations named in ``also``), marked
    when overdue; on PostgreSQL with their parties' names (one query for the page)."""
    late = ExpressionWrapper(overdue_cases(timezone.localdate()), output_field=BooleanField())
    cases = cases.annotate(overdue=late)
    if connection.vendor == "postgresql":
        names = Party.objects.filter(case=OuterRef("pk")).named_in_lists().values("name")
        return cases.annotate(party_names=ArraySubquery(names)).values(
            *ROW_FIELDS, "overdue", "party_names", *also
        )
    return cases.values(*ROW_FIELDS, "overdue", *also)


def street_side(user: User | AnonymousUser) -> frozenset[int]:
    """The streets whose committee's register this user keeps (street officers and the street
    committee's mediators): there an escalated case is 接收上报; everywhere else (the
    community's coordinator and mediators, district admins) it is 上报街道."""
    return frozenset(
        m.street_id
        for m in clinic_access.memberships(user)
        if m.street_id is not None
        and (m.role == Role.STREET_OFFICER or (m.role == Role.MEDIATOR and m.level == Level.STREET))
    )


def register_mark(street_id: int, escalated: bool, streets: frozenset[int]) -> str:
    """How a committee's register shows an escalated case: the community committee that
    numbered it 上报街道 (sent up), the street committee 接收上报 (received); the case keeps
    the community's number either way (README, "Escalation and numbering")."""
    if not escalated:
        return ""
    return _("Received from a community") if street_id in streets else _("Sent up to the street")


def list_rows(
    rows: list[dict[str, Any]], streets: frozenset[int] = frozenset()
) -> list[dict[str, Any]]:
    """What each row of the case list shows, worked out once per page from the cases' plain
    values (``row_values``; elsewhere than on PostgreSQL one more query for the parties'
    names): labels from dictionaries translated once, links formatted from one reversed URL.
    Building model instances, per-row ``get_FOO_display``, ``reverse`` and lazy translations
    were most of the page's time. ``streets``: where the viewer keeps the street register
    (``street_side``)."""
    if rows and "party_names" not in rows[0]:
        names: dict[int, list[str]] = {row["pk"]: [] for row in rows}
        parties = (
            Party.objects.filter(case_id__in=names).named_in_lists().values_list("case_id", "name")
        )
        for case_id, name in parties:
            names[case_id].append(name)
        for row in rows:
            row["party_names"] = names[row["pk"]]
    states, types, risks = labels(State), labels(DisputeType), labels(Risk)
    marker = 2_147_480_000  # an id no case has; the link pattern is the reversed URL with it
    link = reverse("cases:case_detail", args=[marker]).replace(str(marker), "{}")
    here = timezone.get_current_timezone()
    advice, unnumbered = _("Legal advice"), _("Not yet numbered")
    overdue_since, due_on = _("overdue since %(due)s"), _("due %(due)s")
    provisional = _("%(deadline)s (provisional)")
    for row in rows:
        due = row["mediation_due"] if row["state"] in OPEN_STATES else None
        overdue = row["overdue"]
        mediator = row["mediator__display_name"] or row["mediator__username"]
        meta = [types.get(row["dispute_type"], ""), row["community__name"]]
        meta += [mediator] if row["mediator"] else []
        meta.append(row["registered_at"].astimezone(here).date().isoformat())
        row.update(
            url=link.format(row["pk"]),
            number=row["number"] or (advice if row["kind"] == Kind.ADVICE else unnumbered),
            state_label=states.get(row["state"], row["state"]),
            risk_label=risks.get(row["risk"], ""),
            parties=" · ".join(row["party_names"]),
            meta=" · ".join(meta),
            due=due_text(
                due,
                overdue_since if overdue else due_on,
                provisional,
                row["mediation_due_provisional"],
            ),
            overdue=overdue,
            register=register_mark(row["street"], row["escalated_at"] is not None, streets),
        )
    return rows


def due_text(due: date | None, wording: str, provisional: str, is_provisional: bool) -> str:
    if due is None:
        return ""
    text = wording % {"due": due.strftime("%m-%d")}
    return provisional % {"deadline": text} if is_provisional else text


def detail_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "community",
        "dispute_subtype",
        "street",
        "committee",
        "numbered_by",
        "mediator",
        "clinic",
        "grid",
        "registered_by",
    ).prefetch_related(
        Prefetch("parties", queryset=Party.objects.select_related("represents", "notified_by")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        "records__recorded_by",
        "agreements__items",
        "agreements__created_by",
        "advice__author",
        Prefetch(
            "consultations",
            queryset=JointConsultation.objects.select_related("convened_by").prefetch_related(
                Prefetch("invitees", queryset=ConsultationInvitee.objects.select_related("user"))
            ),
        ),
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.select_related(
                "assignee", "done_by", "performance_item"
            ).prefetch_related("setbacks"),
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    )


def available_steps(
    case: Case, user: User
) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """Transitions the user may fire now, and those they may fire once conditions hold."""
    ready, blocked = [], []
    for name, (_form, _action, label, _intro) in TRANSITIONS.items():
        if not case.permits(name, user):
            continue
        reasons = unmet_conditions(case, name, before_form=True)
        if reasons:
            blocked.append((str(label), reasons))
        else:
            ready.append((name, str(label)))
    return ready, blocked


#: How many items each panel of a home page shows.
LIMIT = 8


def my_work(user: User, role: str) -> dict[str, Any]:
    """The cases part of ``user``'s home page in ``role``: due and overdue cases and cases
    waiting for them (as case-list rows, drawn by the list's own renderer), their visits,
    invitations, follow-ups, and for a street officer this month's headline and alerts."""
    today = timezone.localdate()
    soon = today + timedelta(days=7)
    visible = Case.objects.visible_to(user).for_list()
    communities = [m.community_id for m in memberships(user) if m.role == Role.COORDINATOR]
    panels: list[tuple[str, QuerySet[Case], str]] = []
    headline = None
    street_alerts: dict[str, int] = {}
    if role == Role.MEDIATOR:
        mine = visible.filter(mediator=user)
        panels = [
            ("waiting", mine.filter(state=State.REGISTERED), "?state=registered&mine=1"),
            ("overdue", mine.overdue(today), "?overdue=1&mine=1"),
            (
                "due",
                mine.filter(state__in=ACTIVE_STATES, mediation_due__range=(today, soon)),
                "?state=open&mine=1",
            ),
        ]
    elif role == Role.COORDINATOR:
        local = visible.filter(community_id__in=communities)
        panels = [
            (
                "unassigned",
                local.filter(state__in=[State.REGISTERED, *ACTIVE_STATES], mediator__isnull=True),
                "?state=open",
            ),
            ("risk", local.open().filter(risk__in=[Risk.RED, Risk.ORANGE]), "?state=open&risk=red"),
            ("overdue", local.overdue(today), "?overdue=1"),
            ("waiting", local.filter(state=State.REGISTERED), "?state=registered"),
        ]
    elif role == Role.STREET_OFFICER:
        streets = [m.street_id for m in memberships(user) if m.role == Role.STREET_OFFICER]
        escalated = visible.filter(street_id__in=streets, escalated_at__isnull=False)
        in_street = Case.objects.filter(street_id__in=streets).open().disputes()
        panels = [
            ("escalated", escalated.open(), "?state=open"),
            ("overdue", escalated.overdue(today), "?overdue=1"),
        ]
        headline = figures.compute(
            list(Community.objects.filter(street_id__in=streets)),
            figures.month_period(today.year, today.month),
            "",
        ).total
        street_alerts = {
            "red": in_street.filter(risk=Risk.RED).count(),
            "overdue": in_street.overdue(today).count(),
        }
    elif role in (Role.JUDGE, Role.PROSECUTOR, Role.POLICE, Role.LAWYER):
        advising = visible.open().filter(pk__in=access.granted_cases(user, "advise_case"))
        panels = [("advising", advising, "?state=open&mine=1")]
    visits: list = []
    invitations: list = []
    consultations: list = []
    if role == Role.GRID_WORKER:
        visits = list(VisitRequest.objects.filter(requested_by=user).select_related("grid")[:LIMIT])
    elif role == Role.COORDINATOR:
        visits = list(
            VisitRequest.objects.filter(
                community_id__in=communities, status=VisitStatus.SUBMITTED
            ).select_related("grid")[:LIMIT]
        )
        consultations = list(
            JointConsultation.objects.filter(
                case__community_id__in=communities, concluded_at__isnull=True
            ).select_related("case", "meeting")[:LIMIT]
        )
    elif role in (Role.JUDGE, Role.PROSECUTOR, Role.POLICE, Role.LAWYER, Role.MEDIATOR):
        visits = list(
            VisitRequest.objects.filter(
                assignees__user=user,
                status=VisitStatus.SCHEDULED,
                visit_starts_at__lt=timezone.now() + timedelta(days=7),
            ).select_related("grid")[:LIMIT]
        )
        invitations = list(
            ConsultationInvitee.objects.filter(user=user, consultation__concluded_at__isnull=True)
            .select_related("consultation__case", "consultation__meeting")
            .order_by("consultation__convened_at")[:LIMIT]
        )
    follow_ups = (
        FollowUp.objects.pending()
        .filter(assignee=user)
        .select_related("case")
        .order_by("due_on")[:LIMIT]
    )
    rows = []
    for key, qs, query in panels:
        values = row_values(qs.order_by("mediation_due", "-registered_at"))
        items = list_rows(list(values[:LIMIT]), street_side(user))
        rows.append({"key": key, "items": items, "query": query})
    return {
        "rows": rows,
        "follow_ups": follow_ups,
        "today": today,
        "role": role,
        "may_register": role in (Role.MEDIATOR, Role.COORDINATOR),
        "visits": visits,
        "invitations": invitations,
        "consultations": consultations,
        "headline": headline,
        "street_alerts": street_alerts,
    }
