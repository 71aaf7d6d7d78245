"""What a person may see is cached across requests under their access stamp; the database
draws a new stamp whenever their roles, their case grants or their regions change, however
the change is made (``clinic.lib.stamps``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseUserObjectPermission
from clinic.access import memberships
from clinic.models import Community, District, Grid, Membership, Street, User
from tests.cases.factories import registered_dispute
from tests.conftest import client_for, person

pytestmark = pytest.mark.django_db


def _stamp(username: str) -> int:
    return User.objects.values_list("access_stamp", flat=True).get(username=username)


def test_a_coordinator_whose_role_ends_in_bulk_loses_the_list_on_the_next_request(
    demo: None,
) -> None:
    """The role is ended by a queryset update (as a bulk change or the admin's action would:
    no model signal); the list, cached a moment ago, is refused on the next request."""
    case = registered_dispute()
    client = client_for("coordinator")
    assert case.get_absolute_url() in client.get(reverse("cases:case_list")).content.decode()
    Membership.objects.filter(user=person("coordinator")).update(ended_at=timezone.now())
    assert client.get(reverse("cases:case_list")).status_code == 403
    assert client.get(case.get_absolute_url()).status_code == 404


def test_a_case_granted_and_taken_back_in_bulk_shows_and_goes_on_the_next_request(
    demo: None,
) -> None:
    """A lawyer sees a case once a grant is written by ``bulk_create`` and stops seeing it
    once it is deleted by a queryset, each on the next request after a cached one."""
    case = registered_dispute()
    client = client_for("lawyer")
    assert case.get_absolute_url() not in client.get(reverse("cases:case_list")).content.decode()
    view = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    CaseUserObjectPermission.objects.bulk_create(
        [CaseUserObjectPermission(user=person("lawyer"), permission=view, content_object=case)]
    )
    assert case.get_absolute_url() in client.get(reverse("cases:case_list")).content.decode()
    CaseUserObjectPermission.objects.filter(user=person("lawyer")).delete()
    assert case.get_absolute_url() not in client.get(reverse("cases:case_list")).content.decode()


def test_every_change_to_a_watched_table_draws_a_new_stamp(demo: None) -> None:
    """Each trigger, checked by the change it watches (on SQLite a migration that rebuilds
    one of these tables drops its triggers: this test is what notices)."""
    case = registered_dispute(mediator=None)
    coordinator = person("coordinator")
    membership = Membership.objects.active().filter(user=coordinator).first()
    assert membership is not None
    community = membership.community
    view = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    change = Permission.objects.get(codename="change_case", content_type__app_label="cases")
    grant = CaseUserObjectPermission.objects.create(
        user=person("lawyer"), permission=view, content_object=case
    )
    steps = [
        (
            "a role given",
            "gridworker",
            lambda: Membership.objects.create(
                user=person("gridworker"),
                role="mediator",
                level="community",
                district=community.street.district,
                street=community.street,
                community=community,
            ),
        ),
        (
            "a role changed",
            "coordinator",
            lambda: Membership.objects.filter(pk=membership.pk).update(ended_at=timezone.now()),
        ),
        (
            "a role deleted",
            "coordinator",
            lambda: Membership.objects.filter(pk=membership.pk).delete(),
        ),
        (
            "a grant given",
            "judge",
            lambda: CaseUserObjectPermission.objects.create(
                user=person("judge"), permission=view, content_object=case
            ),
        ),
        (
            "a grant changed",
            "lawyer",
            lambda: CaseUserObjectPermission.objects.filter(pk=grant.pk).update(permission=change),
        ),
        (
            "a grant taken back",
            "lawyer",
            lambda: CaseUserObjectPermission.objects.filter(pk=grant.pk).delete(),
        ),
    ]
    for what, username, change_it in steps:
        before = _stamp(username)
        change_it()
        assert _stamp(username) != before, what
    # A grant handed from one person to another restamps both.
    moved = CaseUserObjectPermission.objects.create(
        user=person("prosecutor"), permission=view, content_object=case
    )
    stamps = {name: _stamp(name) for name in ("prosecutor", "police")}
    CaseUserObjectPermission.objects.filter(pk=moved.pk).update(user=person("police"))
    assert all(_stamp(name) != stamp for name, stamp in stamps.items())


def _stamps() -> dict[int, int]:
    return dict(User.objects.values_list("pk", "access_stamp"))


@pytest.mark.parametrize(
    ("model", "field"),
    [(District, "district"), (Street, "street"), (Community, "community"), (Grid, "grid")],
)
def test_renaming_a_region_restamps_exactly_the_people_who_hold_a_role_in_it(
    demo: None, model: type[Model], field: str
) -> None:
    region = getattr(Membership.objects.active().exclude(**{field: None}).first(), field)
    holders = set(Membership.objects.filter(**{field: region}).values_list("user", flat=True))
    before = _stamps()
    model._default_manager.filter(pk=region.pk).update(name=f"{region.name}（新）")
    after = _stamps()
    assert {pk for pk in before if after[pk] != before[pk]} == holders


def test_saving_a_person_read_before_their_role_ended_keeps_it_ended(demo: None) -> None:
    """A full save of an object read earlier (a password change, the admin) writes the
    person's own fields, never the stamp the database drew meanwhile."""
    stale = person("coordinator")
    client = client_for("coordinator")
    assert client.get(reverse("cases:case_list")).status_code == 200
    Membership.objects.filter(user=stale).update(ended_at=timezone.now())
    stale.display_name = "李秀英（已调离）"
    stale.save()
    assert client.get(reverse("cases:case_list")).status_code == 403
    assert person("coordinator").display_name == "李秀英（已调离）"


def test_what_a_rolled_back_change_computed_is_not_kept(demo: None) -> None:
    """Inside a transaction that ends a person's role, their memberships read with the stamp
    they had are not cached under it: the transaction rolls back and the role stays."""
    stale = person("coordinator")
    with pytest.raises(RuntimeError), transaction.atomic():
        Membership.objects.filter(user=stale).update(ended_at=timezone.now())
        assert memberships(stale) == []
        raise RuntimeError
    assert client_for("coordinator").get(reverse("cases:case_list")).status_code == 200
