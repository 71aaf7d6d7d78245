"""Who keeps the list of dispute subtypes: the district admin (the list is the district's
reference data; everyone else sees it only as the choices of the case forms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cases.models import DisputeSubtype
from clinic.access import NotPermitted, NotVisible, has_role
from clinic.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from clinic.models import User


def access_subtype_list(user: User | AnonymousUser) -> None:
    """403 for anyone but a district admin."""
    if not has_role(user, Role.DISTRICT_ADMIN):
        raise NotPermitted("disputesubtype", "", "keep")


def access_dispute_subtype(user: User | AnonymousUser, pk: int) -> DisputeSubtype:
    """A subtype, to a district admin (403 for others, 404 for none of that number)."""
    access_subtype_list(user)
    found = DisputeSubtype.objects.filter(pk=pk).first()
    if found is None:
        raise NotVisible("disputesubtype", pk)
    return found
