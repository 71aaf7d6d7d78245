"""Views of the cases app: access first, then a form, then one action."""

from __future__ import annotations

import heapq
import operator
from datetime import date, timedelta
from functools import cache, reduce
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models import Case as SqlCase
from django.db.models.enums import Choices
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import access, actions, forms
from cases.choices import (
    ACTIVE_STATES,
    OPEN_STATES,
    RISK_ORDER,
    DisputeType,
    JobStatus,
    Kind,
    Risk,
    Side,
    State,
    VisitStatus,
)
from cases.jobs import expire_if_silent
from cases.models import (
    LIST_FIELDS,
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    ConsultationInvitee,
    DocumentJob,
    ExportJob,
    FollowUp,
    JointConsultation,
    Party,
    StatisticsFiling,
    VisitPhoto,
    VisitRequest,
    overdue_cases,
)
from cases.pages import Submitted, form_page, submit
from clinic import access as clinic_access
from clinic.access import NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import PROFESSIONAL_ROLES, AuditEvent, Level, Role
from clinic.lib.masking import mask_id_number, mask_phone
from clinic.models import Community, Membership, User

#: name → (form, action, button label, explanation). The form's fields are the action's
#: keyword arguments.
TRANSITIONS: dict[str, tuple[type, Any, Any, Any]] = {
    "accept": (
        forms.VersionedForm,
        actions.do_accept_case,
        gettext_lazy("Accept for sit-in mediation"),
        gettext_lazy("The dispute gets its case number and the one-month mediation period starts."),
    ),
    "dispatch": (
        forms.VersionedForm,
        actions.do_dispatch_case,
        gettext_lazy("Accept and mediate on patrol"),
        gettext_lazy("The dispute gets its case number; mediators go to the parties."),
    ),
    "answer_question": (
        forms.AnswerForm,
        actions.do_answer_advice,
        gettext_lazy("Answer and close"),
        "",
    ),
    "decline": (
        forms.DeclineForm,
        actions.do_decline_case,
        gettext_lazy("Decline (不予受理)"),
        gettext_lazy("Record why, and where the parties were guided."),
    ),
    "switch_mode": (
        forms.NoteForm,
        actions.do_switch_mode,
        gettext_lazy("Switch between sit-in and patrol"),
        "",
    ),
    "convene": (
        forms.ConveneForm,
        actions.do_convene_consultation,
        gettext_lazy("Convene a joint consultation"),
        gettext_lazy("Invite professionals of at least two different roles."),
    ),
    "conclude": (
        forms.ConcludeForm,
        actions.do_conclude_consultation,
        gettext_lazy("Conclude the joint consultation"),
        gettext_lazy("Record the joint opinion; the case returns to its earlier mode."),
    ),
    "settle": (
        forms.SettleForm,
        actions.do_settle_case,
        gettext_lazy("Settle"),
        gettext_lazy("The effective agreement settles the dispute; follow-ups are scheduled."),
    ),
    "reopen": (
        forms.ReopenForm,
        actions.do_reopen_case,
        gettext_lazy("Mediate again"),
        gettext_lazy(
            "Only when the court refused judicial confirmation or both parties ask. Unperformed "
            "agreements are urged at the follow-up instead."
        ),
    ),
    "terminate": (
        forms.TerminateForm,
        actions.do_terminate_case,
        gettext_lazy("End mediation"),
        gettext_lazy("Failed, withdrawn, or a party refuses: record why and the advice given."),
    ),
}


def _grid_workers(case: Case) -> Any:
    """Grid workers of the case's grid (or of its community when no grid is recorded)."""
    members = Membership.objects.active().filter(role=Role.GRID_WORKER)
    members = (
        members.filter(grid=case.grid) if case.grid_id else members.filter(community=case.community)
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


# --- Lists ----------------------------------------------------------------------------------


LIST_ROLES = (Role.DISTRICT_ADMIN, Role.STREET_OFFICER, Role.COORDINATOR, Role.MEDIATOR)


def _list_communities(user: Any) -> list[Community]:
    """The case list's community filter: the communities of the viewer's list roles (taken
    from their memberships, without a query, when every one is a community's)."""
    held = [m for m in clinic_access.memberships(user) if m.role in LIST_ROLES]
    if all(m.level == Level.COMMUNITY for m in held):
        own = {m.community_id: m.community for m in held}
        return sorted(own.values(), key=lambda community: community.code)
    return list(clinic_access.communities_for(user, *LIST_ROLES))


PAGE_SIZES = ["25", "50", "100"]


def case_list(request: HttpRequest) -> HttpResponse:
    """Cases the viewer may see, filtered and searchable, 25 (or 50, 100) a page."""
    user = request.user
    if not any(role != Role.GRID_WORKER for role in clinic_access.roles(user)):
        raise NotPermitted("cases", "", "list")
    params = request.GET
    qs = Case.objects.all()
    state = params.get("state", "")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in State.values:
        qs = qs.filter(state=state)
    kind = params.get("kind", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    dispute_type = params.get("type", "")
    if dispute_type in DisputeType.values:
        qs = qs.filter(dispute_type=dispute_type)
    risk = params.get("risk", "")
    if risk in {r for r in Risk.values if r}:
        qs = qs.filter(risk=risk)
    communities = _list_communities(user)
    community = params.get("community", "")
    if community.isdigit():
        qs = qs.filter(community_id=int(community))
    if params.get("overdue"):
        qs = qs.overdue()
    if params.get("mine"):
        qs = qs.filter(
            Q(mediator=user)
            | Q(pk__in=access._granted(user, "advise_case"))
            | Exists(
                FollowUp.objects.filter(case=OuterRef("pk"), assignee=user, done_at__isnull=True)
            )
        )
    query = params.get("q", "").strip()[:60]
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Exists(Party.objects.filter(case=OuterRef("pk"), name__icontains=query))
        )
    size = int(params["size"] if params.get("size") in PAGE_SIZES else PAGE_SIZES[0])
    number = params.get("page", "")
    # The page asked for, read with the count when the paginator takes it as it is.
    asked = int(number) if number.isdecimal() and len(number) < 7 else 1
    first = (max(asked, 1) - 1) * size
    expected = slice(first, first + size)
    parts, many_grants = access.case_scope_parts(user)
    cases = NewestFirst(qs, parts, _row_values, expected, ahead=many_grants)
    page = Paginator(cases, size).get_page(number)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": _list_rows(page.object_list),
            "params": params,
            "states": _options(State, state),
            "types": _options(DisputeType, dispute_type),
            "risks": [option for option in _options(Risk, risk) if option[0]],
            "communities": communities,
            "may_register": _may_register(user),
            "sizes": PAGE_SIZES,
        },
    )


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
        self, qs: Any, parts: list[Q], rows: Any, expected: slice, ahead: Q | None = None
    ) -> None:
        self.rows = rows
        self.expected = expected
        self.read: tuple[slice, list[dict[str, Any]]] | None = None
        self.parts = []
        for n, part in enumerate([*parts, *([ahead] if ahead is not None else [])]):
            own = qs.filter(part)
            for earlier in parts[:n]:
                own = own.exclude(earlier)
            self.parts.append(own.order_by(*self.ORDER))
        self.ahead = self.parts.pop() if ahead is not None else None
        self.ahead_count = 0

    def _parts(self, stop: int) -> list[Any]:
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
            page: Any = parts[0].values("pk")[window]
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
def _labels_in(choices: type[Choices], language: str) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def _labels(choices: type[Choices]) -> dict[str, str]:
    """Each choice's label in the active language (translated once per language and process:
    the catalogues do not change while it runs)."""
    return _labels_in(choices, translation.get_language())


def _options(choices: type[Choices], selected: str) -> list[tuple[str, str, bool]]:
    """A filter's ``(value, label, selected)``."""
    return [(value, label, value == selected) for value, label in _labels(choices).items()]


def _row_values(cases: Any, *also: str) -> Any:
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


def _list_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each row of the case list shows, worked out once per page from the cases' plain
    values (``_row_values``; elsewhere than on PostgreSQL one more query for the parties'
    names): labels from dictionaries translated once, links formatted from one reversed URL.
    Building model instances, per-row ``get_FOO_display``, ``reverse`` and lazy translations
    were most of the page's time."""
    if rows and "party_names" not in rows[0]:
        names: dict[int, list[str]] = {row["pk"]: [] for row in rows}
        parties = (
            Party.objects.filter(case_id__in=names).named_in_lists().values_list("case_id", "name")
        )
        for case_id, name in parties:
            names[case_id].append(name)
        for row in rows:
            row["party_names"] = names[row["pk"]]
    states, types, risks = _labels(State), _labels(DisputeType), _labels(Risk)
    marker = 2_147_480_000  # an id no case has; the link pattern is the reversed URL with it
    link = reverse("cases:detail", args=[marker]).replace(str(marker), "{}")
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
            due=_due(
                due,
                overdue_since if overdue else due_on,
                provisional,
                row["mediation_due_provisional"],
            ),
            overdue=overdue,
        )
    return rows


def _due(due: date | None, wording: str, provisional: str, is_provisional: bool) -> str:
    if due is None:
        return ""
    text = wording % {"due": due.strftime("%m-%d")}
    return provisional % {"deadline": text} if is_provisional else text


# --- Detail ---------------------------------------------------------------------------------


def _detail_queryset() -> Any:
    return Case.objects.select_related(
        "community", "street", "committee", "mediator", "clinic", "grid", "registered_by"
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
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("assignee", "done_by")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    )


def _available(case: Case, user: Any) -> tuple[list[tuple[str, str]], list[tuple[str, list]]]:
    """Transitions the user may fire now, and those they may fire once conditions hold."""
    ready, blocked = [], []
    for name, (_form, _action, label, _intro) in TRANSITIONS.items():
        if not case.permits(name, user):
            continue
        reasons = actions.unmet_conditions(case, name, before_form=True)
        if reasons:
            blocked.append((str(label), reasons))
        else:
            ready.append((name, str(label)))
    return ready, blocked


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    case = _detail_queryset().get(pk=case.pk)
    return _render_detail(request, case)


def _render_detail(
    request: HttpRequest, case: Case, revealed: Party | None = None, status: int = 200
) -> HttpResponse:
    from cases import documents

    user = request.user
    ready, blocked = _available(case, user)
    manages = access.manages(user, case)
    parties = list(case.parties.all())
    for party in parties:
        show = revealed is not None and party.pk == revealed.pk
        party.shown_id = party.id_number if show else mask_id_number(party.id_number)
        party.shown_phone = party.phone if show else mask_phone(party.phone)
        party.shown_address = party.address + (f" {party.room}" if show and party.room else "")
    audit(AuditEvent.VIEW, request=request, obj=case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": parties,
            "events": list(case.events.all()),
            "ready": ready,
            "blocked": blocked,
            "manages": manages,
            "may_reveal": access.may_see_personal_data(user, case),
            "may_advise": access.may_advise(user, case),
            "may_escalate": access.may_escalate(user, case),
            "may_refer_out": access.may_refer_out(user, case),
            "may_assign": access.may_assign(user, case),
            "agreement": case.current_agreement,
            "consultation": case.open_consultation,
            "documents": [(k, documents.KINDS[k].title) for k in documents.available(case)],
            "missing_documents": documents.missing(case) if case.state == State.CLOSED else [],
            "today": timezone.localdate(),
            "active": case.state in ACTIVE_STATES,
        },
        status=status,
    )


# --- Registering ----------------------------------------------------------------------------


def _may_register(user: Any) -> bool:
    """Whether ``_register_communities(user)`` holds any community, from the memberships
    alone (every list page asks, to show its "register" buttons)."""
    held = clinic_access.memberships(user)
    if any(m.role == Role.DISTRICT_ADMIN for m in held):
        return True
    local = {m.community_id: m.community.street_id for m in held if m.level == Level.COMMUNITY}
    for m in held:
        if m.role not in (Role.MEDIATOR, Role.COORDINATOR):
            continue
        if m.level == Level.COMMUNITY and m.community_id in local:
            return True
        if m.level == Level.STREET and m.street_id in local.values():
            return True
    return False


def _register_communities(user: Any) -> Any:
    return (
        Community.objects.filter(
            clinic_access.community_scope(
                user, Role.MEDIATOR, Role.COORDINATOR, Role.DISTRICT_ADMIN
            )
        )
        .filter(
            Q(
                pk__in=Membership.objects.active()
                .filter(user=user, level="community")
                .values("community")
            )
            | Q(
                street__district__in=Membership.objects.active()
                .filter(user=user, role=Role.DISTRICT_ADMIN)
                .values("district")
            )
        )
        .select_related("street")
    )


def _duplicates(community: Community, party_forms: list[Any]) -> list[Case]:
    """Open cases in the same street with a party of the same ID number or phone."""
    hashes: set[str] = set()
    for party_form in party_forms:
        if not party_form.is_valid():
            continue
        id_hash, phone_hash = actions.party_hashes(
            party_form.cleaned_data.get("id_number", ""), party_form.cleaned_data.get("phone", "")
        )
        hashes.update(h for h in (id_hash, phone_hash) if h)
    if not hashes:
        return []
    return list(
        Case.objects.open()
        .filter(street=community.street)
        .filter(Q(parties__id_number_hash__in=hashes) | Q(parties__phone_hash__in=hashes))
        .distinct()
        .select_related("community")[:5]
    )


def register_dispute(request: HttpRequest) -> HttpResponse:
    user = request.user
    communities = _register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "register")
    data = request.POST or None
    form = forms.RegisterDisputeForm(data, communities=communities)
    applicant = forms.PartyForm(data, prefix="applicant", sides=[Side.APPLICANT])
    respondent = forms.PartyForm(data, prefix="respondent", sides=[Side.RESPONDENT])
    duplicates: list[Case] = []
    if request.method == "POST" and all(f.is_valid() for f in (form, applicant, respondent)):
        community = form.cleaned_data["community"]
        duplicates = _duplicates(community, [applicant, respondent])
        if duplicates and not form.cleaned_data["register_anyway"]:
            form.add_error(
                "register_anyway",
                _("A party already has an open case in this street: check it, then tick here."),
            )
        else:
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("community", "register_anyway")
            }
            fields["risk"] = fields["risk"] or ""
            case = actions.do_register_dispute(
                actor=user,
                community=community,
                parties=[applicant.cleaned_data, respondent.cleaned_data],
                mediator=user if clinic_access.has_role(user, Role.MEDIATOR) else None,
                **fields,
            )
            messages.success(request, _("The dispute was registered."))
            return redirect(case)
    return render(
        request,
        "cases/register_dispute.html",
        {
            "form": form,
            "applicant": applicant,
            "respondent": respondent,
            "duplicates": duplicates,
        },
        status=400 if request.method == "POST" else 200,
    )


def log_advice(request: HttpRequest) -> HttpResponse:
    """法律咨询: a walk-in question and its answer, logged in under a minute."""
    user = request.user
    communities = _register_communities(user)
    if not communities.exists():
        raise NotPermitted("case", "", "advice")
    form = forms.AdviceForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = actions.do_log_advice(
            actor=user,
            community=data["community"],
            question=data["question"],
            answer=data["answer"],
            asker={"name": data["name"], "phone": data["phone"]} if data["name"] else None,
            dispute_type=data["dispute_type"],
            source=data["source"],
        )
        messages.success(request, _("The advice was recorded."))
        if "another" in request.POST:
            return redirect("cases:advice")
        return redirect(case)
    return render(
        request,
        "cases/log_advice.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Editing the case -----------------------------------------------------------------------

EDITABLE = [
    "source",
    "dispute_type",
    "summary",
    "risk",
    "amount_involved",
    "persons_involved",
    "prevented_criminal",
    "prevented_criminal_persons",
    "prevented_petition",
    "prevented_petition_persons",
    "grid",
]


def edit_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    initial = {field: getattr(case, field) for field in EDITABLE} | {"version": case.version}
    form = forms.CaseEditForm(request.POST or None, initial=initial, community=case.community)

    def save(data: dict[str, Any]) -> None:
        changes = {f: data[f] for f in EDITABLE}
        changes["risk"] = changes["risk"] or ""
        actions.do_update_case(case, actor=request.user, version=data["version"], changes=changes)

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Edit the case"), submit=_("Save"), status=submitted.status
    )


def fire_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One page per transition: its form, and on POST the action behind it."""
    if name not in TRANSITIONS:
        raise NotVisible("transition", name)
    form_class, action, label, intro = TRANSITIONS[name]
    case = access.access_case(request.user, pk)
    case = _detail_queryset().get(pk=case.pk)
    possible = getattr(case, name)._django_fsm.get_transition(case.state) is not None
    if possible and not case.permits(name, request.user):
        raise NotPermitted("case", pk, name)
    if request.method == "GET" and not possible:
        messages.warning(request, actions.unmet_conditions(case, name)[0])
        return redirect(case)
    extra: dict[str, Any] = {"community": case.community} if name == "convene" else {}
    if name == "settle":
        extra["grid_workers"] = _grid_workers(case)
    form = form_class(request.POST or None, initial={"version": case.version}, **extra)

    def fire(data: dict[str, Any]) -> None:
        if data["version"] != case.version:
            raise actions.StaleCase
        if not possible:
            raise actions.ActionRefused(actions.unmet_conditions(case, name))
        try:
            action(case, actor=request.user, **data)
        except PermissionDenied:
            raise NotPermitted("case", pk, name) from None

    if submitted := submit(request, form, fire):
        messages.success(request, _("Done: %(step)s.") % {"step": label})
        return redirect(case)
    reasons = (
        actions.unmet_conditions(case, name, before_form=True) if request.method == "GET" else []
    )
    return render(
        request,
        "cases/transition.html",
        {
            "case": case,
            "form": form,
            "title": label,
            "intro": intro,
            "reasons": reasons,
            "danger": name in {"decline", "terminate"},
        },
        status=submitted.status,
    )


def escalate_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_escalate(request.user, case):
        raise NotPermitted("case", pk, "escalate")
    form = forms.EscalateForm(request.POST or None, initial={"version": case.version})
    title = _("Escalate to the street committee")
    submitted = submit(
        request, form, lambda data: actions.do_escalate_case(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The case was handed to the street committee."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=title,
        submit=title,
        intro=_("大事不出街道: the street committee takes over; the street office is told."),
        status=submitted.status,
    )


def refer_out(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    case = _detail_queryset().get(pk=case.pk)
    if not access.may_refer_out(request.user, case):
        raise NotPermitted("case", pk, "refer_out")
    form = forms.ReferOutForm(request.POST or None, initial={"version": case.version})
    title = _("Refer out (上交)")
    submitted = submit(
        request, form, lambda data: actions.do_refer_out(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The case was referred out and closed."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=title,
        submit=title,
        danger=True,
        intro=_("The dispute leaves the street: it counts as not settled locally."),
        status=submitted.status,
    )


def extend_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if case.state not in ACTIVE_STATES:
        raise NotPermitted("case", pk, "extend")
    form = forms.ExtendForm(
        request.POST or None, initial={"version": case.version}, current_due=case.mediation_due
    )
    submitted = submit(
        request, form, lambda data: actions.do_extend_deadline(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The mediation period was extended."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Extend the mediation period"),
        submit=_("Extend"),
        status=submitted.status,
    )


# --- Assignment -----------------------------------------------------------------------------


def _mediators(case: Case) -> Any:
    committee = case.committee
    if committee.level == "street":
        members = Membership.objects.active().filter(
            role=Role.MEDIATOR, level="street", street=committee.street
        )
    else:
        members = Membership.objects.active().filter(
            role=Role.MEDIATOR, level="community", community=case.community
        )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


def assign_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the mediator and the professionals who advise."""
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case):
        raise NotPermitted("case", pk, "assign")
    mediator_form = forms.AssignMediatorForm(
        request.POST if "mediator" in request.POST else None,
        mediators=_mediators(case),
        initial={"mediator": case.mediator},
    )
    professional_form = forms.AssignProfessionalForm(
        request.POST if "professional" in request.POST else None, community=case.community
    )
    if request.method == "POST":
        if mediator_form.is_bound and mediator_form.is_valid():
            actions.do_assign_mediator(
                case, actor=request.user, mediator=mediator_form.cleaned_data["mediator"]
            )
            messages.success(request, _("The mediator was assigned."))
            return redirect("cases:assign", pk=case.pk)
        if professional_form.is_bound and professional_form.is_valid():
            professional, role = professional_form.cleaned_data["professional"]
            actions.do_assign_professional(
                case, actor=request.user, professional=professional, role=role
            )
            messages.success(request, _("The professional was asked to advise."))
            return redirect("cases:assign", pk=case.pk)
    advising = User.objects.filter(
        caseuserobjectpermission__content_object=case,
        caseuserobjectpermission__permission__codename="advise_case",
    ).distinct()
    return render(
        request,
        "cases/assign_case.html",
        {
            "case": case,
            "mediator_form": mediator_form,
            "professional_form": professional_form,
            "advising": advising,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def remove_professional(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case):
        raise NotPermitted("case", pk, "assign")
    professional = User.objects.filter(pk=user_pk).first()
    if professional is None:
        raise NotVisible("person", user_pk)
    actions.do_unassign_professional(case, actor=request.user, professional=professional)
    messages.success(
        request, _("%(name)s no longer advises on this case.") % {"name": professional}
    )
    return redirect("cases:assign", pk=case.pk)


def recuse_mediator(request: HttpRequest, pk: int) -> HttpResponse:
    """A party objects to the mediator (回避): record it and hand the case to another."""
    case = access.access_case(request.user, pk)
    if not access.may_assign(request.user, case) or not case.is_open:
        raise NotPermitted("case", pk, "recuse")
    form = forms.RecuseForm(
        request.POST or None,
        initial={"version": case.version},
        parties=case.parties.exclude(side=Side.AGENT),
        mediators=_mediators(case).exclude(pk=case.mediator_id or 0),
    )
    submitted = submit(
        request, form, lambda data: actions.do_recuse_mediator(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("The mediator stepped aside; the case was reassigned."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("A party objects to the mediator"),
        submit=_("Reassign"),
        status=submitted.status,
    )


def reassign_person(request: HttpRequest, user_pk: int) -> HttpResponse:
    """Before someone leaves: hand all their open cases and follow-ups to another person."""
    person = clinic_access.access_person(request.user, user_pk, write=True)
    work = access.open_work_for(person)
    people = (
        clinic_access.people_visible_to(request.user).filter(is_active=True).exclude(pk=person.pk)
    )
    form = forms.ReassignForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        moved = actions.do_reassign_open_work(
            person, actor=request.user, to=form.cleaned_data["to"]
        )
        messages.success(request, _("%(n)d items were reassigned.") % {"n": moved})
        return redirect("clinic:deactivate_person", pk=person.pk)
    return render(
        request,
        "cases/reassign_person.html",
        {"person": person, "work": work[:-1] if work else [], "form": form},
    )


# --- Parties --------------------------------------------------------------------------------


def add_party(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if not case.is_open:
        raise NotPermitted("case", pk, "add party")
    form = forms.PartyForm(request.POST or None)
    submitted = submit(
        request, form, lambda data: actions.do_add_party(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The party was added."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Add a party"), submit=_("Add"), status=submitted.status
    )


def edit_party(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = forms.PartyForm(request.POST or None, instance=party)

    def save(data: dict[str, Any]) -> Any:
        changes = {f: data[f] for f in form.Meta.fields}
        actions.do_update_party(Party.objects.get(pk=pk), actor=request.user, changes=changes)

    if submitted := submit(request, form, save):
        messages.success(request, _("Saved."))
        return redirect(party.case)
    if request.method == "GET":
        audit(AuditEvent.REVEAL, request=request, obj=party, detail={"for": "edit"})
    return form_page(
        request, party.case, form, title=party.name, submit=_("Save"), status=submitted.status
    )


def party_consent(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = forms.ConsentForm(request.POST or None)
    submitted = submit(
        request, form, lambda data: actions.do_record_consent(party, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("Recorded."))
        return redirect(party.case)
    return form_page(
        request,
        party.case,
        form,
        title=_("Consent and rights notice: %(name)s") % {"name": party.name},
        submit=_("Record"),
        intro=_(
            "Mediation is free and voluntary. Tell the party their rights and duties "
            "(人民调解法 Art. 23–24) before mediating, and note how."
        ),
        status=submitted.status,
    )


def party_refusal(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.access_party(request.user, pk, write=True)
    form = forms.RefusalForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_record_refusal(party, actor=request.user, note=data["note"]),
    )
    if submitted:
        messages.warning(request, _("The refusal was recorded: mediation cannot go on with them."))
        return redirect(party.case)
    return form_page(
        request,
        party.case,
        form,
        title=_("%(name)s refuses mediation") % {"name": party.name},
        submit=_("Record the refusal"),
        danger=True,
        status=submitted.status,
    )


@require_POST
def reveal_party(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one party's full ID number and phone, to those who may; each reveal is audited."""
    party = access.access_party(request.user, pk)
    if not access.may_see_personal_data(request.user, party.case):
        raise NotPermitted("party", pk, "reveal")
    audit(AuditEvent.REVEAL, request=request, obj=party, detail={"case": party.case_id})
    case = _detail_queryset().get(pk=party.case_id)
    return _render_detail(request, case, revealed=party)


# --- Records, agreements, advice --------------------------------------------------------------


def add_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    form = forms.RecordForm(
        request.POST or None,
        initial={"held_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    submitted = submit(
        request, form, lambda data: actions.do_add_record(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The mediation record was saved."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Mediation record"), submit=_("Save"), status=submitted.status
    )


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = Agreement.objects.filter(pk=pk).only("case_id").first()
    if agreement is None:
        raise NotVisible("agreement", pk)
    case = access.access_case(request.user, agreement.case_id, write=True)
    agreement = Agreement.objects.get(pk=pk)
    agreement.case = case
    return agreement


def new_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    if case.state not in ACTIVE_STATES:
        raise NotPermitted("case", pk, "agreement")
    parties = case.parties.exclude(side=Side.AGENT).count()
    form = forms.AgreementDraftForm(request.POST or None, initial={"copies": parties + 1})
    submitted = submit(
        request, form, lambda data: actions.do_save_agreement(case, actor=request.user, data=data)
    )
    if submitted:
        messages.success(
            request,
            _("The agreement was drafted. Print it, have it signed, then record the signing."),
        )
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Draft the agreement"),
        submit=_("Save the draft"),
        intro=_(
            "A written agreement (调解协议书) states the parties, the facts and the dispute, each "
            "side's responsibility, the agreed terms, and how and by when they are performed. An "
            "oral agreement is registered with its facts and terms."
        ),
        status=submitted.status,
    )


def edit_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "edit signed")
    form = forms.AgreementDraftForm(request.POST or None, instance=agreement)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_save_agreement(
            agreement.case, actor=request.user, data=data, agreement=agreement
        ),
    )
    if submitted:
        messages.success(request, _("Saved."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Edit the draft"),
        submit=_("Save"),
        status=submitted.status,
    )


def sign_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "sign twice")
    form = forms.SignForm(request.POST or None, initial={"signed_on": timezone.localdate()})

    def sign(data: dict[str, Any]) -> None:
        if not agreement.is_complete:
            raise actions.ActionRefused([_("Complete every required part of the agreement first.")])
        actions.do_sign_agreement(agreement, actor=request.user, **data)

    if submitted := submit(request, form, sign):
        messages.success(request, _("The agreement is in effect and can no longer be edited."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Record the signing"),
        submit=_("Record"),
        intro=_(
            "The agreement takes effect when the parties sign and the committee seals it. Once "
            "recorded it is read-only; the 30-day window for judicial confirmation opens."
        ),
        status=submitted.status,
    )


def correct_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not agreement.is_signed:
        raise NotPermitted("agreement", pk, "correct unsigned")
    form = forms.CorrectionForm(request.POST or None, instance=agreement)

    def correct(data: dict[str, Any]) -> None:
        terms = dict(data)
        reason = terms.pop("reason")
        actions.do_correct_agreement(
            Agreement.objects.get(pk=pk), actor=request.user, reason=reason, data=terms
        )

    if submitted := submit(request, form, correct):
        messages.success(request, _("A corrected version was drafted; it must be signed again."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Correct the agreement"),
        submit=_("Draft a new version"),
        status=submitted.status,
    )


def add_performance_item(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if agreement.is_signed:
        raise NotPermitted("agreement", pk, "edit signed")
    form = forms.PerformanceItemForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_add_performance_item(agreement, actor=request.user, data=data),
    )
    if submitted:
        messages.success(request, _("Added."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Add an instalment or performance item"),
        submit=_("Add"),
        status=submitted.status,
    )


def update_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not agreement.is_signed:
        raise NotPermitted("agreement", pk, "confirm unsigned")
    form = forms.ConfirmationForm(request.POST or None, instance=agreement)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_update_confirmation(agreement, actor=request.user, data=data),
    )
    if submitted:
        messages.success(request, _("Saved."))
        return redirect(agreement.case)
    return form_page(
        request,
        agreement.case,
        form,
        title=_("Judicial confirmation"),
        submit=_("Save"),
        intro=_(
            "Both parties may apply to the court within 30 days of the agreement taking effect."
        ),
        status=submitted.status,
    )


def add_advice(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if not access.may_advise(request.user, case):
        raise NotPermitted("case", pk, "advise")
    held = [r for r in clinic_access.roles(request.user) if r in PROFESSIONAL_ROLES]
    form = forms.AdviceNoteForm(request.POST or None, roles=[(r, Role(r).label) for r in held])
    submitted = submit(
        request, form, lambda data: actions.do_add_advice(case, actor=request.user, **data)
    )
    if submitted:
        messages.success(request, _("Your advice was recorded."))
        return redirect(case)
    return form_page(
        request, case, form, title=_("Give advice"), submit=_("Record"), status=submitted.status
    )


# --- Attachments ----------------------------------------------------------------------------


def upload_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk, write=True)
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_add_attachment(
            case,
            actor=request.user,
            kind=data["kind"],
            upload=form.checked,
            original_name=form.checked_name,
            description=data["description"],
        ),
    )
    if submitted:
        messages.success(request, _("The file was added."))
        return redirect(case)
    return form_page(
        request,
        case,
        form,
        title=_("Add a file"),
        submit=_("Upload"),
        multipart=True,
        status=submitted.status,
    )


def download_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.filter(pk=pk).only("case_id").first()
    if attachment is None:
        raise NotVisible("attachment", pk)
    access.access_case(request.user, attachment.case_id)
    attachment = Attachment.objects.get(pk=pk)
    audit(AuditEvent.DOWNLOAD, request=request, obj=attachment, detail={"case": attachment.case_id})
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Follow-ups -----------------------------------------------------------------------------


def record_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    case = follow_up.case
    if follow_up.done_at is not None:
        raise NotPermitted("follow_up", pk, "record twice")
    if follow_up.assignee_id != request.user.pk and not access.manages(request.user, case):
        raise NotPermitted("follow_up", pk, "record")
    form = forms.FollowUpForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_record_follow_up(follow_up, actor=request.user, **data),
    )
    if submitted:
        successor = submitted.result
        if successor is None:
            messages.success(request, _("Recorded: the agreement was performed."))
        else:
            messages.warning(
                request,
                _("Recorded, with urging. The next follow-up is due on %(day)s.")
                % {"day": successor.due_on},
            )
        if access.may_see(request.user, case):
            return redirect(case)
        return redirect("clinic:home")
    return render(
        request,
        "cases/record_follow_up.html",
        {
            "follow_up": follow_up,
            "case": case,
            "form": form,
            "agreement": follow_up.agreement,
            "parties": [
                (p.name, p.get_side_display(), mask_phone(p.phone))
                for p in case.parties.exclude(side=Side.AGENT)
            ],
        },
        status=submitted.status,
    )


# --- Home visits (巡诊) ------------------------------------------------------------------------


def _my_grids(user: Any) -> Any:
    from clinic.models import Grid

    ids = [m.grid_id for m in clinic_access.memberships(user) if m.role == Role.GRID_WORKER]
    return Grid.objects.filter(pk__in=ids).select_related("community")


def request_visit(request: HttpRequest) -> HttpResponse:
    """A grid worker, on a phone, asks for a home visit in under two minutes."""
    grids = _my_grids(request.user)
    if not grids.exists():
        raise NotPermitted("visit", "", "request")
    form = forms.VisitRequestForm(request.POST or None, request.FILES or None, grids=grids)

    def send(data: dict[str, Any]) -> VisitRequest:
        fields = dict(data)
        photos = fields.pop("photos")
        fields["risk"] = fields["risk"] or ""
        return actions.do_request_visit(actor=request.user, photos=photos, **fields)

    if submitted := submit(request, form, send):
        reference = submitted.result.reference
        messages.success(
            request, _("Sent. Your reference is %(reference)s.") % {"reference": reference}
        )
        return redirect("cases:my_visits")
    return render(request, "cases/request_visit.html", {"form": form}, status=submitted.status)


def my_visits(request: HttpRequest) -> HttpResponse:
    if not _my_grids(request.user).exists():
        raise NotPermitted("visit", "", "mine")
    visits = VisitRequest.objects.filter(requested_by=request.user).select_related("grid")
    page = Paginator(visits, 20).get_page(request.GET.get("page"))
    return render(request, "cases/my_visits.html", {"page": page})


def visit_board(request: HttpRequest) -> HttpResponse:
    """The coordinator's triage board: open requests by urgency, then age."""
    if not access.may_triage(request.user):
        raise NotPermitted("visit", "", "triage")
    waiting = SqlCase(When(status=VisitStatus.SUBMITTED, then=0), default=1)
    urgency = SqlCase(*(When(risk=r, then=n) for r, n in RISK_ORDER.items()), default=9)
    visits = (
        VisitRequest.objects.filter(access.visit_scope(request.user))
        .filter(status__in=[VisitStatus.SUBMITTED, VisitStatus.SCHEDULED])
        .for_board()
        .distinct()
        .order_by(waiting, urgency, "created_at", "pk")
    )
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    recent = (
        VisitRequest.objects.filter(access.visit_scope(request.user))
        .filter(status__in=[VisitStatus.VISITED, VisitStatus.CANCELLED])
        .select_related("grid", "requested_by")
        .distinct()[:10]
    )
    return render(
        request,
        "cases/visit_board.html",
        {"visits": page.object_list, "page": page, "recent": recent},
    )


def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.access_visit(request.user, pk)
    triage = access.may_triage(request.user, visit)
    visiting = access.is_visiting(request.user, visit)
    own = visit.requested_by_id == request.user.pk
    show_phone = triage or visiting
    if show_phone and visit.resident_phone:
        audit(AuditEvent.VIEW, request=request, obj=visit, detail={"resident_phone": True})
    return render(
        request,
        "cases/visit_detail.html",
        {
            "visit": visit,
            "triage": triage,
            "visiting": visiting,
            "own": own,
            "phone": visit.resident_phone if show_phone else mask_phone(visit.resident_phone),
            "assignees": visit.assignees.select_related("user"),
            "photos": visit.photos.all(),
            "case_visible": visit.case is not None and access.may_see(request.user, visit.case),
        },
    )


def schedule_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose professionals and a time; who is busy then is shown, and a clash refused."""
    from scheduling.actions import busy_periods

    visit = access.access_visit(request.user, pk, triage=True)
    if visit.status not in (VisitStatus.SUBMITTED, VisitStatus.SCHEDULED):
        raise NotPermitted("visit", pk, "schedule")
    form = forms.ScheduleVisitForm(
        request.POST or request.GET or None,
        community=visit.community,
        initial={"place": f"{visit.address} {visit.room}".strip()},
    )
    busy: list[tuple[str, list]] = []
    if form.is_bound and form.is_valid() and "starts_at" in form.cleaned_data:
        people = {int(v.split(":")[0]): label for v, label in form.fields["professionals"].choices}
        day_start = form.cleaned_data["starts_at"].replace(hour=0, minute=0)
        found = busy_periods(
            list(User.objects.filter(pk__in=people)), day_start, day_start + timedelta(days=1)
        )
        busy = [(people[pid], items) for pid, items in found.items() if items]

    def schedule(data: dict[str, Any]) -> None:
        actions.do_schedule_visit(
            visit,
            actor=request.user,
            professionals=data["chosen"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
        )

    if submitted := submit(request, form, schedule):
        messages.success(request, _("The visit was scheduled; everyone was told."))
        return redirect("cases:visit_board")
    return render(
        request,
        "cases/schedule_visit.html",
        {"visit": visit, "form": form, "busy": busy},
        status=submitted.status,
    )


def cancel_visit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.access_visit(request.user, pk)
    if visit.requested_by_id != request.user.pk and not access.may_triage(request.user, visit):
        raise NotPermitted("visit", pk, "cancel")
    form = forms.RefusalForm(request.POST or None)
    form.fields["note"].label = _("Reason")
    submitted = submit(
        request,
        form,
        lambda data: actions.do_cancel_visit(visit, actor=request.user, reason=data["note"]),
    )
    if submitted:
        messages.success(request, _("The request was cancelled."))
        return redirect(visit)
    return form_page(
        request,
        None,
        form,
        title=_("Cancel %(ref)s") % {"ref": visit},
        submit=_("Cancel it"),
        status=submitted.status,
    )


def visit_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The visiting professional records the outcome, on a phone, at the door."""
    visit = access.access_visit(request.user, pk)
    if not access.is_visiting(request.user, visit):
        raise NotPermitted("visit", pk, "outcome")
    if request.method == "GET" and visit.status != VisitStatus.SCHEDULED:
        messages.warning(request, _("The outcome of this visit is already recorded."))
        return redirect(visit)
    form = forms.VisitOutcomeForm(request.POST or None)

    def record(data: dict[str, Any]) -> Case:
        respondent = None
        if data["respondent_name"]:
            respondent = {"name": data["respondent_name"], "phone": data["respondent_phone"]}
        return actions.do_record_visit_outcome(
            visit,
            actor=request.user,
            outcome=data["outcome"],
            note=data["note"],
            answer=data["answer"],
            respondent=respondent,
            consented=data["consented"],
            agreement_terms=data["agreement_terms"],
        )

    if submitted := submit(request, form, record):
        messages.success(request, _("Recorded."))
        return redirect(submitted.result)
    return render(
        request,
        "cases/visit_outcome.html",
        {"visit": visit, "form": form},
        status=submitted.status,
    )


def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = VisitPhoto.objects.filter(pk=pk).only("request_id").first()
    if photo is None:
        raise NotVisible("photo", pk)
    access.access_visit(request.user, photo.request_id)
    photo = VisitPhoto.objects.get(pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Joint consultations -----------------------------------------------------------------------


def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """An invitee answers, says when they can come and gives their own opinion; the convener
    fixes the meeting time. Each form posts its own button's name."""
    found = (
        JointConsultation.objects.select_related("case", "convened_by", "meeting")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotVisible("consultation", pk)
    case = access.access_case(request.user, found.case_id)
    invitee = found.invitees.filter(user=request.user).first()
    convener = access.manages(request.user, case)
    if invitee is None and not convener:
        raise NotPermitted("consultation", pk, "open")
    slots = found.slots.all()
    answer_form = forms.InvitationForm(
        request.POST if "answer" in request.POST else None,
        slots=slots,
        initial={"answer": invitee.response if invitee else ""},
    )
    opinion_form = forms.OpinionForm(
        request.POST if "opinion" in request.POST else None,
        initial={"opinion": invitee.opinion if invitee else ""},
    )
    meeting_form = forms.FixMeetingForm(
        request.POST if "slot" in request.POST else None, slots=slots
    )
    submitted: Submitted[None] = Submitted()
    if request.method == "POST":
        if found.concluded_at is not None:
            raise NotPermitted("consultation", pk, "concluded")
        if answer_form.is_bound and invitee:
            submitted = submit(
                request,
                answer_form,
                lambda data: actions.do_answer_invitation(
                    invitee, accepted=data["answer"] == "accepted", slots=data["slots"]
                ),
            )
            done = _("Your answer was sent.")
        elif opinion_form.is_bound and invitee:
            submitted = submit(
                request,
                opinion_form,
                lambda data: actions.do_record_opinion(invitee, opinion=data["opinion"]),
            )
            done = _("Your opinion was recorded.")
        elif meeting_form.is_bound and convener:
            submitted = submit(
                request,
                meeting_form,
                lambda data: actions.do_fix_meeting(found, actor=request.user, slot=data["slot"]),
            )
            done = _("The meeting time is fixed and in everyone's calendar.")
        else:
            submitted = Submitted(status=400)
        if submitted:
            messages.success(request, done)
            return redirect("cases:consultation", pk=pk)
    invitees = found.invitees.select_related("user").prefetch_related("available")
    return render(
        request,
        "cases/consultation.html",
        {
            "consultation": found,
            "case": case,
            "invitee": invitee,
            "convener": convener,
            "slots": slots,
            "invitees": invitees,
            "answer_form": answer_form,
            "opinion_form": opinion_form,
            "meeting_form": meeting_form,
        },
        status=submitted.status,
    )


def schedule_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    if follow_up.assignee_id != request.user.pk or follow_up.done_at is not None:
        raise NotPermitted("follow_up", pk, "schedule")
    form = forms.FollowUpVisitForm(request.POST or None)

    def plan(data: dict[str, Any]) -> None:
        actions.do_schedule_follow_up_visit(
            follow_up,
            starts_at=data["starts_at"],
            ends_at=data["starts_at"] + timedelta(hours=float(data["hours"])),
            place=data["place"],
        )

    if submitted := submit(request, form, plan):
        messages.success(request, _("The visit is in your calendar."))
        return redirect("cases:follow_up", pk=pk)
    return form_page(
        request,
        None,
        form,
        title=_("Plan the follow-up visit"),
        submit=_("Plan"),
        status=submitted.status,
    )


# --- Documents ----------------------------------------------------------------------------------


def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One document of a case as a PDF, rendered within the request."""
    from cases import documents

    case = access.access_case(request.user, pk)
    if kind not in documents.KINDS or kind == "casefile":
        raise NotVisible("document", kind)
    loaded = documents._loaded(case)
    if kind not in documents.available(loaded):
        raise NotVisible("document", kind)
    reveal = access.may_see_personal_data(request.user, case)
    pdf = documents.render(case, kind, reveal_ids=reveal)
    audit(
        AuditEvent.DOWNLOAD,
        request=request,
        obj=case,
        detail={"document": kind, "full_ids": reveal and documents.KINDS[kind].full_ids},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{case.number or case.pk}-{documents.KINDS[kind].title}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_case_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    job = actions.do_request_case_file(
        case, actor=request.user, reveal_ids=access.may_see_personal_data(request.user, case)
    )
    return redirect("cases:document_job", job_id=job.pk)


def _job(request: HttpRequest, job_id: Any) -> DocumentJob:
    job = DocumentJob.objects.select_related("case").filter(pk=job_id).first()
    if job is None or job.requested_by_id != request.user.pk:
        raise NotVisible("document_job", job_id)
    access.access_case(request.user, job.case_id)
    return job


def document_job(request: HttpRequest, job_id: Any) -> HttpResponse:
    """The case file's progress; the page refreshes itself (htmx) until the file is ready."""
    job = _job(request, job_id)
    expire_if_silent(job)
    template = "cases/_document_job.html" if request.htmx else "cases/document_job.html"
    return render(request, template, {"job": job, "case": job.case})


def download_document_job(request: HttpRequest, job_id: Any) -> FileResponse:
    job = _job(request, job_id)
    if job.status != JobStatus.DONE:
        raise NotVisible("document_job", job_id)
    audit(AuditEvent.DOWNLOAD, request=request, obj=job.case, detail={"document": "casefile"})
    name = f"{job.case.number or job.case.pk}-人民调解卷宗.pdf"
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def archive_case(request: HttpRequest, pk: int) -> HttpResponse:
    from cases import documents

    case = access.access_case(request.user, pk, write=True)
    form = forms.ArchiveForm(request.POST or None)
    gaps = documents.missing(case)
    submitted = submit(
        request,
        form,
        lambda data: actions.do_archive_case(case, actor=request.user, volume_no=data["volume_no"]),
    )
    if submitted:
        messages.success(request, _("The case was archived."))
        return redirect(case)
    return render(
        request,
        "cases/archive_case.html",
        {"case": case, "form": form, "gaps": gaps},
        status=submitted.status,
    )


# --- Statistics ---------------------------------------------------------------------------------


def _charts(report: Any) -> dict[str, str]:
    from clinic.lib import charts

    return {
        "levels": charts.share_bar(
            [
                (_("Settled in the community"), report.total.community_share),
                (_("Settled in the street"), report.total.street_share),
                (_("Not settled locally"), report.total.not_local_share),
            ],
            title=_(
                "Small matters stay in the community, big matters stay in the street, "
                "disputes are not pushed upward."
            ),
        ),
        "trend": charts.stacked_shares(
            report.trend,
            title=_("The last twelve months"),
            keys=[
                ("community", str(_("community"))),
                ("street", str(_("street"))),
                ("not_local", str(_("not local"))),
            ],
        ),
        "types": charts.horizontal_bars(
            [(row["label"], row["accepted"]) for row in report.by_type if row["accepted"]],
            title=_("Disputes accepted by type"),
        ),
    }


def _statistics_request(request: HttpRequest) -> tuple[Any, Any, Any, Any]:
    """(form, report, street, communities) from the query string, scope checked."""
    from cases import statistics

    scopes = access.statistics_scopes(request.user)
    if not scopes:
        raise NotPermitted("statistics", "", "open")
    data = request.GET.copy()
    data.setdefault("scope", scopes[0][0])
    form = forms.StatisticsForm(data, scopes=scopes)
    if not form.is_valid():
        if "scope" in form.errors:
            raise NotVisible("statistics", data.get("scope"))
        return form, None, None, None
    label, communities, street = access.access_scope(request.user, form.cleaned_data["scope"])
    report = statistics.compute(communities, form.cleaned_data["period_obj"], label)
    return form, report, street, communities


def statistics_page(request: HttpRequest) -> HttpResponse:
    from cases import statistics

    form, report, street, _communities = _statistics_request(request)
    context: dict[str, Any] = {"form": form, "report": report}
    if report is not None:
        filing = None
        if street is not None:
            filing = StatisticsFiling.objects.filter(
                street=street, first=report.period.first, last=report.period.last
            ).first()
        corrections = []
        if filing is not None:
            now = statistics.as_snapshot(report)
            for name, filed in [
                *filing.snapshot["rows"].items(),
                ("合计", filing.snapshot["total"]),
            ]:
                current = now["total"] if name == "合计" else now["rows"].get(name, {})
                for key, value in filed.items():
                    if current.get(key) != value:
                        corrections.append((name, key, value, current.get(key)))
        context.update(
            {
                "charts": _charts(report),
                "filing": filing,
                "corrections": corrections,
                "may_file": access.may_file(request.user, street) and filing is None,
                "query": request.GET.urlencode(),
            }
        )
    return render(
        request,
        "cases/statistics.html",
        context,
        status=200 if report is not None else 400,
    )


def statistics_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from cases import exports

    form, report, _street, _communities = _statistics_request(request)
    if report is None:
        return redirect(f"{reverse('cases:statistics')}?{request.GET.urlencode()}")
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="statistics",
        object_id=form.cleaned_data["scope"],
        detail={"format": fmt, "scope": report.scope_label, "period": report.period.label},
    )
    name = f"{report.scope_label}-{report.period.label}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.figures_csv(report), content_type="text/csv")
        filename = f"{name}.csv"
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.figures_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{name}.xlsx"
    elif fmt == "pdf":
        response = HttpResponse(
            exports.report_pdf(report, _charts(report)), content_type="application/pdf"
        )
        filename = f"{name}.pdf"
    else:
        raise NotVisible("export", fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_case_export(request: HttpRequest) -> HttpResponse:
    """The case-level export (every case of the scope and period, anonymous) is written by a
    background job; the page shows its progress."""
    form, report, _street, _communities = _statistics_request(request)
    if report is None:
        return redirect("cases:statistics")
    fmt = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    job = actions.do_request_case_export(
        actor=request.user, scope=form.cleaned_data["scope"], period=report.period, format=fmt
    )
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="cases",
        object_id=form.cleaned_data["scope"],
        detail={
            "format": f"cases.{fmt}",
            "scope": report.scope_label,
            "period": report.period.label,
        },
    )
    return redirect("cases:export_job", job_id=job.pk)


def _export_job(request: HttpRequest, job_id: Any) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise NotVisible("export", job_id)
    access.access_scope(request.user, job.scope)
    return job


def export_job(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _export_job(request, job_id)
    expire_if_silent(job)
    template = "cases/_export_job.html" if request.htmx else "cases/export_job.html"
    return render(request, template, {"job": job})


def download_export_job(request: HttpRequest, job_id: Any) -> FileResponse:
    job = _export_job(request, job_id)
    if job.status != JobStatus.DONE:
        raise NotVisible("export", job_id)
    audit(AuditEvent.DOWNLOAD, request=request, object_type="export", object_id=str(job.pk))
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(job.format, "text/csv")
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"cases-{job.period}.{job.format}",
        content_type=content_type,
    )


@require_POST
def file_report(request: HttpRequest) -> HttpResponse:
    _form, report, street, _communities = _statistics_request(request)
    if report is None or not access.may_file(request.user, street):
        raise NotPermitted("statistics", request.GET.get("scope", ""), "file")
    try:
        actions.do_file_report(street, report=report, actor=request.user)
    except actions.ActionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, _("Filed. The figures of this period are frozen as filed."))
    return redirect(f"{reverse('cases:statistics')}?{request.GET.urlencode()}")
