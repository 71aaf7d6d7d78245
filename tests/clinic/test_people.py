"""Managing people and roles, and the scope of each manager."""

import pytest
from django.urls import reverse

from clinic.models import AuditEntry, Community, Grid, Membership, User
from tests.conftest import client_for, person


def _grid(community: str, name: str = "第一网格") -> Grid:
    return Grid.objects.get(community__name=community, name=name)


def test_a_coordinator_sees_the_people_of_their_community_only(demo: None) -> None:
    page = client_for("coordinator").get(reverse("clinic:people")).content.decode()
    assert "张丽萍" in page  # mediator of 金江路社区
    assert "王志刚" in page  # judge covering the whole of 联盟街道
    assert "何建平" not in page  # mediator of 金色社区
    assert "马丽华" not in page  # coordinator of 金色社区


def test_a_coordinator_gets_404_for_a_person_of_another_community(demo: None) -> None:
    other = person("mediator_jinse")
    response = client_for("coordinator").get(reverse("clinic:person", args=[other.pk]))
    assert response.status_code == 404
    denial = AuditEntry.objects.get(event="denied")
    assert denial.username == "coordinator" and denial.object_id == str(other.pk)


def test_a_district_admin_sees_everyone(demo: None) -> None:
    page = client_for("admin").get(reverse("clinic:people") + "?status=all").content.decode()
    assert "张丽萍" in page and "何建平" in page


@pytest.mark.parametrize("username", ["mediator", "judge", "gridworker", "street"])
def test_people_pages_are_closed_to_other_roles(demo: None, username: str) -> None:
    assert client_for(username).get(reverse("clinic:people")).status_code == 403


def test_a_coordinator_adds_a_grid_worker_to_a_grid_of_their_community(demo: None) -> None:
    grid = _grid("金江路社区", "第三网格")
    response = client_for("coordinator").post(
        reverse("clinic:add_person"),
        {
            "username": "xu.wenjing",
            "display_name": "徐文静",
            "phone": "13888001122",
            "role": "grid_worker",
            "region": f"grid:{grid.pk}",
            "password1": "Kunming-grid-2026",
            "password2": "Kunming-grid-2026",
        },
    )
    added = User.objects.get(username="xu.wenjing")
    assert response.status_code == 302 and response["Location"] == added.get_absolute_url()
    assert added.check_password("Kunming-grid-2026")
    membership = Membership.objects.get(user=added)
    assert membership.community is not None
    assert (membership.role, membership.grid, membership.community.name) == (
        "grid_worker",
        grid,
        "金江路社区",
    )
    assert added.groups.filter(name="grid_worker").exists()


def test_a_coordinator_cannot_grant_a_role_in_another_community(demo: None) -> None:
    other = Community.objects.get(name="金色社区")
    response = client_for("coordinator").post(
        reverse("clinic:add_person"),
        {
            "username": "intruder",
            "display_name": "某某",
            "role": "mediator",
            "region": f"community:{other.pk}",
            "password1": "Kunming-grid-2026",
            "password2": "Kunming-grid-2026",
        },
    )
    assert response.status_code == 400
    assert "intruder" not in User.objects.values_list("username", flat=True)
    assert "选择一个有效的选项" in response.content.decode()


def test_a_role_at_the_wrong_level_is_refused_with_a_clear_message(demo: None) -> None:
    community = Community.objects.get(name="金江路社区")
    target = person("mediator")
    response = client_for("coordinator").post(
        reverse("clinic:grant_role", args=[target.pk]),
        {"role": "grid_worker", "region": f"community:{community.pk}"},
    )
    assert response.status_code == 400
    assert "网格员" in response.content.decode() and "网格" in response.content.decode()
    assert not Membership.objects.filter(user=target, role="grid_worker").exists()


def test_bad_input_changes_nothing_and_says_why(demo: None) -> None:
    before = User.objects.count()
    response = client_for("coordinator").post(
        reverse("clinic:add_person"),
        {"username": "a b", "display_name": "", "password1": "123", "password2": "456"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and User.objects.count() == before
    assert "这个字段是必填项" in page and "两次输入的密码不一致" in page


def test_a_coordinator_ends_a_role_in_their_community(demo: None) -> None:
    membership = Membership.objects.get(user__username="police")
    client = client_for("coordinator")
    sent = {"reason": "调离", "seen_version": membership.row_version}
    response = client.post(reverse("clinic:end_role", args=[membership.pk]), sent)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None and membership.end_reason == "调离"
    assert not person("police").groups.filter(name="police").exists()
    again = client.post(reverse("clinic:end_role", args=[membership.pk]), sent)
    assert again.status_code == 409  # told it was ended meanwhile; nothing changes twice
    assert AuditEntry.objects.filter(event="role_ended").count() == 1


def test_a_coordinator_cannot_end_a_street_wide_role(demo: None) -> None:
    membership = Membership.objects.get(user__username="judge")
    response = client_for("coordinator").post(
        reverse("clinic:end_role", args=[membership.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_deactivating_a_person_ends_their_roles_and_stops_sign_in(demo: None) -> None:
    target = person("gridworker")
    response = client_for("coordinator").post(
        reverse("clinic:deactivate_person", args=[target.pk]),
        {"reason": "离职", "seen_version": target.row_version},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert not Membership.objects.active().filter(user=target).exists()
    assert client_for("gridworker").get(reverse("clinic:home")).status_code == 302
