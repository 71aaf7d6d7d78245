"""Who sees and does what with cases.

- District admins: every case of their district.
- Coordinators: every case of their community.
- Street officers: the cases of their street that were escalated to it.
- Mediators and professionals: the cases they are assigned to (django-guardian grants:
  ``view_case`` for all of them, ``change_case`` for the mediator, ``advise_case`` for the
  professionals).
- Grid workers: no case contents (only the follow-ups assigned to them).

``access_case`` raises 404 for a case the user may not see and 403 for one they may see but
not change; ``may_fire`` decides each transition's permission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

import clinic.lib.lookups  # noqa: F401  (registers __any_of)
from cases.choices import ACTIVE_STATES, Level, VisitStatus
from cases.models import (
    Case,
    CaseUserObjectPermission,
    CommonAnswer,
    ConsultationInvitee,
    FollowUp,
    Party,
    ReportFiling,
    VisitAssignee,
    VisitRequest,
)
from clinic import access as clinic_access
from clinic.access import NotPermitted, NotVisible, has_role, memberships, stamped
from clinic.choices import PROFESSIONAL_ROLES, CommitteeLevel, Role
from clinic.choices import Level as RegionLevel
from clinic.models import HOLDS_CASES, Community, MediationCommittee, Membership, Street, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _region_parts(user: User | AnonymousUser) -> list[Q]:
    """The cases of the regions this user manages, one filter per membership."""
    parts = []
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts.append(Q(street__district_id=m.district_id))
        elif m.role == Role.COORDINATOR:
            parts.append(Q(community_id=m.community_id))
        elif m.role == Role.STREET_OFFICER:
            parts.append(Q(street_id=m.street_id, escalated_at__isnull=False))
    return parts


def _viewable(user: User) -> list[int]:
    """The ids of the cases granted to this user, cached under their access stamp (a grant
    given or taken back draws a new one)."""
    return stamped(
        user,
        "view_case",
        lambda: list(granted_cases(user, "view_case").values_list("content_object_id", flat=True)),
    )


#: Up to this many granted cases, the case list writes their ids into its query (cheaper to plan
#: than a subquery); beyond, it reads them from the grants' index, apart from the rest.
LISTED_GRANTS = 100


def case_scope_parts(user: User | AnonymousUser) -> tuple[list[Q], Q | None]:
    """The cases this user may see, as separate filters that each have an index of their own
    (a region's; a short list of granted ids), and the granted cases when they are many (read
    from the grants' index, by themselves). The case list reads the parts apart and merges
    them: one OR of them makes PostgreSQL read a whole community's cases to show fifty."""
    if not user.is_authenticated:
        return [], None
    parts = _region_parts(user)
    granted = _viewable(user)
    if len(granted) > LISTED_GRANTS:
        # A thousand ids written into the query cost more to send and plan than to read them.
        return parts, Q(pk__in=granted_cases(user, "view_case"))
    if granted:
        parts.append(Q(pk__any_of=granted))
    return parts, None


def case_scope(user: User | AnonymousUser) -> Q:
    """A filter on ``Case`` for the cases this user may see. The granted ids are one list, not
    a subquery: an OR with a subquery keeps PostgreSQL from using the region indexes (a full
    scan of every case), a list does not."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for part in _region_parts(user):
        q |= part
    granted = _viewable(user)
    if granted:
        q |= Q(pk__any_of=granted)
    return q


def granted_cases(
    user: User | AnonymousUser, codename: str
) -> QuerySet[CaseUserObjectPermission, Any]:
    if not user.is_authenticated:
        return CaseUserObjectPermission.objects.none().values("content_object_id")
    return CaseUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )


def grants(user: User | AnonymousUser, case: Case) -> set[str]:
    """The user's guardian grants on this case (cached on the case for the request)."""
    if not user.is_authenticated:
        return set()
    cache: dict[int, set[str]] = case.__dict__.setdefault("_grants", {})
    if user.pk not in cache:
        cache[user.pk] = set(
            CaseUserObjectPermission.objects.filter(user=user, content_object=case).values_list(
                "permission__codename", flat=True
            )
        )
    return cache[user.pk]


def covers(
    user: User | AnonymousUser,
    roles: tuple[str, ...],
    *,
    community_id: int | None = None,
    street_id: int | None = None,
    district_id: int | None = None,
) -> bool:
    """Whether ``user`` holds one of ``roles`` over a place: a coordinator its community, a
    street officer its street, a district admin its district. The one membership predicate of
    the access rules below."""
    for m in memberships(user):
        if m.role not in roles:
            continue
        if m.role == Role.COORDINATOR and m.community_id == community_id:
            return True
        if m.role == Role.STREET_OFFICER and street_id is not None and m.street_id == street_id:
            return True
        if m.role == Role.DISTRICT_ADMIN and m.district_id == district_id:
            return True
    return False


def covers_case(user: User | AnonymousUser, case: Case, *roles: str) -> bool:
    """``covers`` for a case's place; a street officer covers only cases escalated to the
    street."""
    return covers(
        user,
        roles,
        community_id=case.community_id,
        street_id=case.street_id if case.escalated_at is not None else None,
        district_id=case.street.district_id,
    )


def _region_manager(user: User | AnonymousUser, case: Case) -> bool:
    return covers_case(user, case, Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.STREET_OFFICER)


def visited(user: User, case: Case) -> bool:
    """The professional sent on the home visit that opened this case may dispatch it, while
    recording the visit's outcome (the request is still scheduled until that is saved): from
    the outcome form only, never later from the case page."""
    return VisitAssignee.objects.filter(
        request__case=case, request__status=VisitStatus.SCHEDULED, user=user
    ).exists()


def may_see(user: User | AnonymousUser, case: Case) -> bool:
    return _region_manager(user, case) or "view_case" in grants(user, case)


def manages(user: User | AnonymousUser, case: Case) -> bool:
    """May change the case and move it: its mediator, its community's coordinator, the street
    officer once escalated, the district admin."""
    return _region_manager(user, case) or "change_case" in grants(user, case)


def is_committee_mediator(user: User | AnonymousUser, case: Case) -> bool:
    committee = case.committee
    for m in memberships(user):
        if m.role != Role.MEDIATOR:
            continue
        if (
            committee.level == CommitteeLevel.COMMUNITY
            and m.level == RegionLevel.COMMUNITY
            and m.community_id == committee.community_id
        ):
            return True
        if (
            committee.level == CommitteeLevel.STREET
            and m.level == RegionLevel.STREET
            and m.street_id == committee.street_id
        ):
            return True
    return False


def may_advise(user: User | AnonymousUser, case: Case) -> bool:
    return "advise_case" in grants(user, case) and has_role(user, *PROFESSIONAL_ROLES)


def may_fire(user: User | AnonymousUser, case: Case, rule: str) -> bool:
    """The permission of each transition (see ``Case``'s ``@transition`` declarations)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if rule == "dispatch":
        # the professional who made the home visit registers and dispatches from its outcome
        # (consent recorded at the door), and nothing more: never 受理 for sit-in, 不予受理,
        # terminate or settle (README, "Roles and scopes")
        return manages(user, case) or visited(user, case)
    if rule in {"accept", "decline", "answer", "manage"}:
        return manages(user, case)
    if rule == "settle":
        return is_committee_mediator(user, case) and manages(user, case)
    if rule == "follow_up":
        # the follow-up's assignee (a grid worker, say) closes it by recording performance
        return manages(user, case) or any(f.assignee_id == user.pk for f in case.follow_ups.all())
    raise ValueError(f"unknown rule {rule}")


def may_escalate(user: User | AnonymousUser, case: Case) -> bool:
    """Coordinators hand a community case to the street committee (district admins too)."""
    if case.level != Level.COMMUNITY or not case.is_open or case.kind != "dispute":
        return False
    return covers_case(user, case, Role.COORDINATOR, Role.DISTRICT_ADMIN)


def may_refer_out(user: User | AnonymousUser, case: Case) -> bool:
    """Referring a dispute out of the street (上交): the coordinator for a community case, the
    street officer for a case at the street, the district admin for any."""
    if case.state not in ACTIVE_STATES:
        return False
    return covers_case(user, case, Role.DISTRICT_ADMIN, Role.STREET_OFFICER) or (
        case.level == Level.COMMUNITY and covers_case(user, case, Role.COORDINATOR)
    )


def may_assign(user: User | AnonymousUser, case: Case) -> bool:
    """Choosing the mediator and professionals: coordinators, street officers for escalated
    cases, district admins."""
    return _region_manager(user, case)


class CaseArchived(NotPermitted):
    """A change to an archived case: once archived (归档) a case is read-only for everyone,
    and the 403 page says under which volume number (卷号) it was filed. ``reason`` is the
    person's words for it."""

    def __init__(self, pk: int, volume_no: str) -> None:
        super().__init__("case", pk, "change archived")
        self.volume_no = volume_no

    @property
    def reason(self) -> str:
        return _(
            "This case was archived under volume number %(volume)s: it can be read and its "
            "papers downloaded, but nothing can be added, removed or changed."
        ) % {"volume": self.volume_no}


def refuse_if_archived(case: Case) -> None:
    """Refuse any change to an archived case (as this ``case`` was read). Every change checks
    it: ``access_*(write=True)`` before the form is shown; ``cases.changes.claim``/``touch``
    against the database; and ``cases.timeline``, which every change writes its event
    through, whatever else it does."""
    if case.archived_at is not None:
        raise CaseArchived(case.pk, case.volume_no)


def access_case(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Case:
    """The case ``pk``: 404 for one the user may not see; with ``write``, 403 for one they may
    not change, and for an archived one (nobody changes it)."""
    try:
        case = Case.objects.select_related(
            "community", "street", "committee", "mediator", "clinic", "grid"
        ).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotVisible("case", pk) from None
    if not may_see(user, case):
        raise NotVisible("case", pk)
    if write:
        refuse_if_archived(case)
        if not manages(user, case):
            raise NotPermitted("case", pk, "change")
    return case


def access_party(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Party:
    party = Party.objects.filter(pk=pk).only("case_id").first()
    if party is None:
        raise NotVisible("party", pk)
    case = access_case(user, party.case_id, write=write)
    party = Party.objects.get(pk=pk)
    party.case = case
    return party


def access_follow_up(user: User | AnonymousUser, pk: int, *, write: bool = False) -> FollowUp:
    """A follow-up: visible with its case, or to its assignee (a grid worker sees only it)."""
    follow_up = FollowUp.objects.select_related("case", "assignee").filter(pk=pk).first()
    if follow_up is None:
        raise NotVisible("follow_up", pk)
    if follow_up.assignee_id == user.pk:
        if write:
            refuse_if_archived(follow_up.case)
        return follow_up
    case = access_case(user, follow_up.case_id, write=write)
    follow_up.case = case
    return follow_up


def may_see_personal_data(user: User | AnonymousUser, case: Case) -> bool:
    """Who may reveal residents' full ID numbers and phones: the case's mediator, the
    coordinator of its community and the district admin. Everyone else sees masks only."""
    return "change_case" in grants(user, case) or covers_case(
        user, case, Role.COORDINATOR, Role.DISTRICT_ADMIN
    )


def open_work_for(user: User) -> list[tuple[str, str]]:
    """Open cases and follow-ups assigned to a person, for the deactivation page."""
    items = [
        (str(case), case.get_absolute_url())
        for case in Case.objects.open().filter(
            Q(mediator=user) | Q(pk__in=Subquery(granted_cases(user, "advise_case")))
        )
    ]
    items += [
        (_("Follow-up of %(case)s") % {"case": f.case}, f.case.get_absolute_url())
        for f in FollowUp.objects.pending().filter(assignee=user).select_related("case")
    ]
    if items:
        items.append((_("Reassign all of it"), reverse("cases:reassign_person", args=[user.pk])))
    return items


# --- Home visits and invitations -------------------------------------------------------------


def visit_scope(user: User | AnonymousUser) -> Q:
    """Requests a user may see: their own (a grid worker), their community's (coordinator),
    their district's (district admin), the ones they are sent on (professionals)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(requested_by=user) | Q(assignees__user=user)
    for m in memberships(user):
        if m.role == Role.COORDINATOR:
            q |= Q(community_id=m.community_id)
        elif m.role == Role.DISTRICT_ADMIN:
            q |= Q(community__street__district_id=m.district_id)
    return q


def may_triage(user: User | AnonymousUser, request: VisitRequest | None = None) -> bool:
    """The coordinator of the request's community and the district admin triage it (with no
    request: whether the user triages any)."""
    roles = (Role.COORDINATOR, Role.DISTRICT_ADMIN)
    if request is None:
        return has_role(user, *roles)
    return covers(
        user,
        roles,
        community_id=request.community_id,
        district_id=request.community.street.district_id,
    )


def access_visit(user: User | AnonymousUser, pk: int, *, triage: bool = False) -> VisitRequest:
    found = (
        VisitRequest.objects.filter(visit_scope(user), pk=pk)
        .select_related("community__street", "grid", "requested_by", "case")
        .distinct()
        .first()
    )
    if found is None:
        raise NotVisible("visit", pk)
    if triage and not may_triage(user, found):
        raise NotPermitted("visit", pk, "triage")
    return found


def is_visiting(user: User | AnonymousUser, request: VisitRequest) -> bool:
    return user.is_authenticated and request.assignees.filter(user=user).exists()


def access_invitation(user: User | AnonymousUser, consultation_pk: int) -> ConsultationInvitee:
    """The invitee's own invitation to a consultation (nobody else's)."""
    if not user.is_authenticated:
        raise NotVisible("consultation", consultation_pk)
    found = (
        ConsultationInvitee.objects.filter(consultation_id=consultation_pk, user=user)
        .select_related("consultation__case", "consultation__convened_by")
        .first()
    )
    if found is None:
        raise NotVisible("consultation", consultation_pk)
    return found


# --- Statistics scopes ----------------------------------------------------------------------


def statistics_scopes(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """The scopes a user may see figures for, broadest first: ``(key, label)``."""
    cached = getattr(user, "_statistics_scopes", None)
    if cached is not None:
        return cached
    keys: list[tuple[str, str]] = []
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            keys.append((f"district:{m.district_id}", str(m.district)))
            for street in Street.objects.filter(district_id=m.district_id):
                keys.append((f"street:{street.pk}", str(street)))
            for community in Community.objects.filter(
                street__district_id=m.district_id
            ).select_related("street"):
                keys.append((f"community:{community.pk}", f"{community.street} · {community}"))
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            keys.append((f"street:{m.street_id}", str(m.street)))
            for community in Community.objects.filter(street_id=m.street_id):
                keys.append((f"community:{community.pk}", f"{m.street} · {community}"))
        elif m.role == Role.COORDINATOR:
            keys.append((f"community:{m.community_id}", f"{m.street} · {m.community}"))
    # each committee's own report (the reporting unit): for those who file, review or report
    # it upward, and the community's coordinator
    for committee in MediationCommittee.objects.filter(report_committees(user)).order_by(
        "street__code", "-level", "name"
    ):
        keys.append((f"committee:{committee.pk}", committee.name))
    seen: dict[str, str] = {}
    for key, label in keys:
        seen.setdefault(key, label)
    scopes = list(seen.items())
    user.__dict__["_statistics_scopes"] = scopes
    return scopes


def access_scope(
    user: User | AnonymousUser, key: str
) -> tuple[str, list[Community], Street | None]:
    """``(label, communities, street or None)`` of a scope the user may see; 404 otherwise
    (a coordinator never gets another community's figures, a street officer another
    street's)."""
    allowed = dict(statistics_scopes(user))
    if key not in allowed:
        raise NotVisible("statistics", key)
    kind, _sep, pk = key.partition(":")
    communities = Community.objects.select_related("street").order_by("code")
    if kind == "district":
        return allowed[key], list(communities.filter(street__district_id=pk)), None
    if kind == "street":
        return allowed[key], list(communities.filter(street_id=pk)), Street.objects.get(pk=pk)
    if kind == "committee":
        committee = MediationCommittee.objects.get(pk=pk)
        if committee.community_id is not None:
            return allowed[key], list(communities.filter(pk=committee.community_id)), None
        return allowed[key], list(communities.filter(street_id=committee.street_id)), None
    return allowed[key], list(communities.filter(pk=pk)), None


# --- Committee reports (填报 → 审核 → 上报) ------------------------------------------------------


def report_committees(user: User | AnonymousUser) -> Q:
    """The committees whose reports this user sees (a filter on ``MediationCommittee``): the
    district admin every committee of the district, the street officer those of the street,
    a community's coordinator and mediators its committee, a street's mediators (and
    coordinators) the street committee."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts |= Q(street__district_id=m.district_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            parts |= Q(street_id=m.street_id)
        elif m.role in (Role.COORDINATOR, Role.MEDIATOR):
            if m.level == RegionLevel.COMMUNITY and m.community_id is not None:
                parts |= Q(community_id=m.community_id)
            elif m.level == RegionLevel.STREET and m.street_id is not None:
                parts |= Q(level=CommitteeLevel.STREET, street_id=m.street_id)
    # committees that hold no cases (企事业, 行业专业 …) file no reports here
    return parts & HOLDS_CASES


def may_fill_report(user: User | AnonymousUser, committee: MediationCommittee) -> bool:
    """填报: a coordinator or mediator of the committee's community (a community committee),
    or of the committee's street at street level (the street committee)."""
    for m in memberships(user):
        if m.role not in (Role.COORDINATOR, Role.MEDIATOR):
            continue
        if committee.level == CommitteeLevel.COMMUNITY:
            if m.level == RegionLevel.COMMUNITY and m.community_id == committee.community_id:
                return True
        elif m.level == RegionLevel.STREET and m.street_id == committee.street_id:
            return True
    return False


def may_review_report(user: User | AnonymousUser, committee: MediationCommittee) -> bool:
    """审核 (通过 or 退回): the street officer of the committee's street (for the street, or
    its 司法所)."""
    return covers(user, (Role.STREET_OFFICER,), street_id=committee.street_id)


def may_report_upward(user: User | AnonymousUser, committee: MediationCommittee) -> bool:
    """上报: the district admin of the committee's district."""
    return covers(user, (Role.DISTRICT_ADMIN,), district_id=committee.street.district_id)


def access_committee(user: User | AnonymousUser, pk: object) -> MediationCommittee:
    """A committee whose report this user sees; 404 for any other."""
    found = (
        MediationCommittee.objects.filter(report_committees(user), pk=_int(pk))
        .select_related("street__district", "community")
        .first()
    )
    if found is None:
        raise NotVisible("statistics", f"committee:{pk}")
    return found


def access_filing(user: User | AnonymousUser, pk: object) -> ReportFiling:
    """A committee's report this user sees; 404 for any other (the step's own ``may_*`` then
    says 403 to one who sees it but may not take the step)."""
    found = (
        ReportFiling.objects.filter(
            committee__in=MediationCommittee.objects.filter(report_committees(user)), pk=_int(pk)
        )
        .select_related("committee__street__district", "committee__community", "filed_by")
        .first()
    )
    if found is None:
        raise NotVisible("reportfiling", pk)
    return found


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def may_enter_court_filings(user: User | AnonymousUser) -> bool:
    """The court's monthly figures (万人成讼率) are entered by the district admin (the whole
    district) and the street officer (their street)."""
    return has_role(user, Role.DISTRICT_ADMIN, Role.STREET_OFFICER)


def court_communities(user: User | AnonymousUser) -> QuerySet[Community]:
    """The communities whose court figures the user enters (none for anyone else)."""
    places = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            places |= Q(street__district_id=m.district_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            places |= Q(street_id=m.street_id)
    return Community.objects.filter(places).select_related("street__district").order_by("code")


# --- Registering ------------------------------------------------------------------------------


def may_register(user: User | AnonymousUser) -> bool:
    """Whether ``register_communities(user)`` holds any community, from the memberships
    alone (every list page asks, to show its "register" buttons)."""
    held = clinic_access.memberships(user)
    if any(m.role == Role.DISTRICT_ADMIN for m in held):
        return True
    local = {
        m.community_id: m.community.street_id
        for m in held
        if m.level == RegionLevel.COMMUNITY and m.community is not None
    }
    for m in held:
        if m.role not in (Role.MEDIATOR, Role.COORDINATOR):
            continue
        if m.level == RegionLevel.COMMUNITY and m.community_id in local:
            return True
        if m.level == RegionLevel.STREET and m.street_id in local.values():
            return True
    return False


def register_communities(user: User | AnonymousUser) -> QuerySet[Community]:
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


def answer_committees(user: User | AnonymousUser) -> QuerySet[MediationCommittee]:
    """The committees whose common answers this user keeps: a community's mediators and
    coordinator keep its committee's, a street's mediators the street committee's, a district
    admin every committee's of the district."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role in (Role.MEDIATOR, Role.COORDINATOR) and m.level == RegionLevel.COMMUNITY:
            parts |= Q(community_id=m.community_id)
        elif m.role == Role.MEDIATOR and m.level == RegionLevel.STREET:
            parts |= Q(level=CommitteeLevel.STREET, street_id=m.street_id)
        elif m.role == Role.DISTRICT_ADMIN:
            parts |= Q(street__district_id=m.district_id)
    return MediationCommittee.objects.filter(parts).holding_cases().select_related("community")


def access_common_answer(user: User | AnonymousUser, pk: int) -> CommonAnswer:
    """A common answer of a committee this user keeps (404 for any other)."""
    found = (
        CommonAnswer.objects.filter(pk=pk, committee__in=answer_committees(user))
        .select_related("committee")
        .first()
    )
    if found is None:
        raise NotVisible("common_answer", pk)
    return found
