import io

import pytest
from django.apps import apps
from django.core.management import call_command

from clinic.choices import Role
from clinic.models import Clinic, Community, Holiday, Membership, Street, User

DEMO_USERNAMES = [
    "admin",
    "coordinator",
    "mediator",
    "judge",
    "prosecutor",
    "police",
    "lawyer",
    "gridworker",
    "street",
]


def _row_counts() -> dict[str, int]:
    """Rows per model, but the audit log's: each run of the command is written to it."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("clinic").get_models()
        if model._meta.label != "clinic.AuditEntry"
    }


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_twice() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = _row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _row_counts() == first


def test_the_demo_district_is_panlong_with_real_streets_and_communities(demo: None) -> None:
    streets = set(Street.objects.values_list("name", flat=True))
    assert {"联盟街道", "东华街道"} <= streets and len(streets) >= 3
    assert Community.objects.count() >= 10
    jinjiang = Community.objects.get(name="金江路社区")
    assert jinjiang.street.name == "联盟街道"
    assert jinjiang.households == 6900 and jinjiang.population == 23000
    assert set(
        Community.objects.filter(street__name="东华街道").values_list("name", flat=True)
    ) >= {"金色社区", "田园路社区"}
    assert Clinic.objects.count() >= 3
    assert Clinic.objects.filter(community=jinjiang).exists()
    assert jinjiang.committee.case_prefix == "盘金"
    assert all(c.grids.count() >= 2 for c in Community.objects.all())


def test_every_role_has_a_demo_account_with_the_documented_password(demo: None) -> None:
    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("clinic-demo-2026")
    held = set(Membership.objects.active().values_list("role", flat=True))
    assert held == set(Role.values)
    lawyer_serves = Membership.objects.filter(user__username="lawyer", role="lawyer")
    assert {m.community.name for m in lawyer_serves} == {"金江路社区", "北辰社区", "白龙路社区"}


def test_the_holiday_calendar_is_seeded_with_make_up_days(demo: None) -> None:
    assert Holiday.objects.filter(kind="holiday").exists()
    assert Holiday.objects.filter(kind="workday").exists()
