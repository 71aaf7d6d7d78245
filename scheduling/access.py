"""Who sees and changes the roster.

- Roster managers: the coordinator of a clinic's community, the street officer of its street,
  the district admin: they plan sessions, publish and cancel them, accept suggestions and mark
  attendance.
- Professionals (judges, prosecutors, police, lawyers, mediators) serve the clinics of the
  communities where they hold the role (a street-wide role serves every clinic of the street);
  they book the seats of their own role there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from clinic.access import NotPermitted, NotVisible, memberships
from clinic.choices import Level, Role
from clinic.models import Clinic, Membership, User
from scheduling.choices import ROSTER_ROLES, SEAT_ACCEPTS
from scheduling.models import Booking, ClinicSession, Seat

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _covers(m: Membership, clinic: Clinic) -> bool:
    if m.level == Level.DISTRICT:
        return m.district_id == clinic.community.street.district_id
    if m.level == Level.STREET:
        return m.street_id == clinic.community.street_id
    return m.community_id == clinic.community_id


def _clinic_q(user: User | AnonymousUser, roles: frozenset[str] | set[str]) -> Q:
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role not in roles:
            continue
        if m.level == Level.DISTRICT:
            q |= Q(community__street__district_id=m.district_id)
        elif m.level == Level.STREET:
            q |= Q(community__street_id=m.street_id)
        else:
            q |= Q(community_id=m.community_id)
    return q


MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.STREET_OFFICER, Role.DISTRICT_ADMIN})


def managed_clinics(user: User | AnonymousUser) -> QuerySet[Clinic]:
    return Clinic.objects.filter(_clinic_q(user, MANAGER_ROLES)).select_related("community")


def served_clinics(user: User | AnonymousUser) -> QuerySet[Clinic]:
    return Clinic.objects.filter(_clinic_q(user, ROSTER_ROLES)).select_related("community")


def manages_clinic(user: User | AnonymousUser, clinic: Clinic) -> bool:
    return any(m.role in MANAGER_ROLES and _covers(m, clinic) for m in memberships(user))


def role_for_seat(held: Iterable[Membership], seat: Seat) -> str | None:
    """The role, among these memberships, in which their holder may take this seat."""
    clinic = seat.session.clinic
    for m in held:
        if m.role in SEAT_ACCEPTS[seat.role] and _covers(m, clinic):
            return m.role
    return None


def booking_role(user: User | AnonymousUser, seat: Seat) -> str | None:
    """The role in which ``user`` may take this seat, or None."""
    return role_for_seat(memberships(user), seat)


def seat_roles_for(user: User | AnonymousUser, clinic: Clinic) -> set[str]:
    held = {m.role for m in memberships(user) if m.role in ROSTER_ROLES and _covers(m, clinic)}
    return {seat for seat, accepts in SEAT_ACCEPTS.items() if accepts & held}


def access_clinic(user: User | AnonymousUser, slug: str, *, manage: bool = False) -> Clinic:
    clinic = Clinic.objects.select_related("community__street").filter(slug=slug).first()
    if clinic is None:
        raise NotVisible("clinic", slug)
    if manages_clinic(user, clinic):
        return clinic
    if manage:
        if seat_roles_for(user, clinic):
            raise NotPermitted("clinic", slug, "manage roster")
        raise NotVisible("clinic", slug)
    if not seat_roles_for(user, clinic):
        raise NotVisible("clinic", slug)
    return clinic


def access_session(user: User | AnonymousUser, pk: int, *, manage: bool = False) -> ClinicSession:
    session = (
        ClinicSession.objects.select_related("clinic__community__street").filter(pk=pk).first()
    )
    if session is None:
        raise NotVisible("session", pk)
    access_clinic(user, session.clinic.slug, manage=manage)
    return session


def access_seat(user: User | AnonymousUser, pk: int) -> Seat:
    seat = Seat.objects.select_related("session__clinic__community__street").filter(pk=pk).first()
    if seat is None:
        raise NotVisible("seat", pk)
    access_clinic(user, seat.session.clinic.slug)
    return seat


def access_booking(user: User | AnonymousUser, pk: int, *, own: bool = False) -> Booking:
    """A booking: its holder acts on it; roster managers of the clinic too (unless ``own``)."""
    booking = (
        Booking.objects.select_related("seat__session__clinic__community__street", "person")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise NotVisible("booking", pk)
    if booking.person_id == user.pk:
        return booking
    clinic = booking.seat.session.clinic
    if not own and manages_clinic(user, clinic):
        return booking
    if seat_roles_for(user, clinic) or manages_clinic(user, clinic):
        raise NotPermitted("booking", pk, "change")
    raise NotVisible("booking", pk)


def roster_of(clinics: Iterable[Clinic]) -> dict[int, tuple[User, Clinic, str]]:
    """Everyone active on the roster of these clinics (a roster role serving one of them), by
    person id: the person, the first clinic (by name) they serve and the role that puts them
    there."""
    ordered = sorted(clinics, key=lambda c: c.name)
    held = (
        Membership.objects.active()
        .filter(role__in=ROSTER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    found: dict[int, tuple[User, Clinic, str]] = {}
    for membership in held:
        if membership.user_id in found:
            continue
        clinic = next((c for c in ordered if _covers(membership, c)), None)
        if clinic is not None:
            found[membership.user_id] = (membership.user, clinic, membership.role)
    return found


def on_roster_of(person: User, clinics: Iterable[Clinic]) -> bool:
    """The person holds a roster role serving one of these clinics."""
    held = [m for m in memberships(person) if m.role in ROSTER_ROLES]
    return any(_covers(m, clinic) for m in held for clinic in clinics)


def access_duty_person(user: User | AnonymousUser, pk: int) -> tuple[User, bool]:
    """Whose duty statement this user may see, and whether they may confirm it: a
    professional sees their own; a roster manager sees and confirms those on the roster of
    the clinics they manage."""
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise NotVisible("person", pk)
    managed = list(managed_clinics(user).select_related("community__street"))
    if managed and person.pk != user.pk and on_roster_of(person, managed):
        return person, True
    if person.pk == user.pk and any(m.role in ROSTER_ROLES for m in memberships(user)):
        return person, False
    raise NotVisible("person", pk)
