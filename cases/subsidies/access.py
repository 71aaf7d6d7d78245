"""Who keeps the subsidy rule, reviews files and sees or approves statements.

- The rule: the district admin, for their district.
- 卷宗 review: the street officer (司法所) for the concluded cases of their street, the district
  admin for the whole district.
- Statements: the street officer and the district admin see every mediator's of their street or
  district and approve them; a mediator sees their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cases.access import covers
from cases.choices import Kind
from cases.models import Case
from clinic.access import NotPermitted, NotVisible, has_role, memberships
from clinic.choices import Level, Role
from clinic.models import District, Street, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def rule_districts(user: User | AnonymousUser) -> list[District]:
    """The districts whose subsidy rule the user keeps; 403 for anyone who keeps none."""
    ids = {m.district_id for m in memberships(user) if m.role == Role.DISTRICT_ADMIN}
    if not ids:
        raise NotPermitted("subsidyrule", "", "edit")
    return list(District.objects.filter(pk__in=ids).order_by("code"))


def review_scope(user: User | AnonymousUser) -> Q:
    """A filter on ``Case``: the cases whose file this user reviews."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts |= Q(street__district_id=m.district_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            parts |= Q(street_id=m.street_id)
    return parts


def may_review(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN, Role.STREET_OFFICER)


def access_review_case(user: User | AnonymousUser, pk: int) -> Case:
    """A dispute whose file this user reviews: 403 for anyone who reviews none, 404 for a case
    outside their street or district, and for a legal question (no 卷宗 to review)."""
    if not may_review(user):
        raise NotPermitted("filereview", pk, "review")
    found = (
        Case.objects.filter(review_scope(user), pk=pk, kind=Kind.DISPUTE)
        .select_related("community", "mediator", "street")
        .first()
    )
    if found is None:
        raise NotVisible("case", pk)
    return found


def approver_streets(user: User | AnonymousUser) -> list[Street]:
    """The streets whose statements this user approves (and sees, every mediator's)."""
    parts = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DISTRICT_ADMIN:
            parts |= Q(district_id=m.district_id)
        elif m.role == Role.STREET_OFFICER and m.street_id is not None:
            parts |= Q(pk=m.street_id)
    return list(Street.objects.filter(parts).select_related("district").order_by("code"))


def mediator_streets(user: User | AnonymousUser) -> list[Street]:
    """The streets where the user mediates (their own statements)."""
    ids = set()
    for m in memberships(user):
        if m.role != Role.MEDIATOR:
            continue
        if m.level == Level.COMMUNITY and m.community is not None:
            ids.add(m.community.street_id)
        elif m.street_id is not None:
            ids.add(m.street_id)
    return list(Street.objects.filter(pk__in=ids).select_related("district").order_by("code"))


def may_see_statements(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN, Role.STREET_OFFICER, Role.MEDIATOR)


def may_approve(user: User | AnonymousUser, street: Street) -> bool:
    return covers(user, (Role.STREET_OFFICER,), street_id=street.pk) or covers(
        user, (Role.DISTRICT_ADMIN,), district_id=street.district_id
    )


def access_statement(
    user: User | AnonymousUser, street_pk: int, mediator_pk: int
) -> tuple[Street, User]:
    """A street and mediator whose statements this user sees: an approver any mediator's of
    their streets, a mediator their own; 403 for anyone who sees none, else 404."""
    if not may_see_statements(user):
        raise NotPermitted("subsidystatement", "", "view")
    street = next((s for s in approver_streets(user) if s.pk == street_pk), None)
    if street is None and user.pk == mediator_pk:
        street = next((s for s in mediator_streets(user) if s.pk == street_pk), None)
    # a mediator of that street now, or one who mediated a case there (statements of the
    # months they served): no statement of someone who never mediated in the street
    mediator = (
        User.objects.filter(pk=mediator_pk)
        .filter(
            Q(
                memberships__role=Role.MEDIATOR,
                memberships__street_id=street.pk if street else None,
            )
            | Q(pk__in=Case.objects.filter(street_id=street_pk).values("mediator_id"))
        )
        .distinct()
        .first()
    )
    if street is None or mediator is None:
        raise NotVisible("subsidystatement", f"{street_pk}:{mediator_pk}")
    return street, mediator
