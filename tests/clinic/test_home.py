import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import State
from clinic.actions import do_grant_role
from clinic.models import Community
from tests.cases.factories import in_state, settle
from tests.conftest import client_for, person


def test_the_navigation_shows_only_what_the_role_may_use(demo: None) -> None:
    grid = client_for("gridworker").get(reverse("clinic:home"), follow=True).content.decode()
    assert "人员管理" not in grid and "节假日" not in grid and "后台管理" not in grid
    coordinator = client_for("coordinator").get(reverse("clinic:home"), follow=True)
    page = coordinator.content.decode()
    assert "人员管理" in page and "节假日" not in page
    admin = client_for("admin").get(reverse("clinic:home"), follow=True).content.decode()
    assert "人员管理" in admin and "节假日" in admin


def test_a_person_with_several_roles_can_switch_between_their_home_pages(demo: None) -> None:
    do_grant_role(
        person("lawyer"),
        role="mediator",
        region=Community.objects.get(name="金江路社区"),
        actor=None,
    )
    client = client_for("lawyer")
    page = client.get(reverse("clinic:home"), follow=True).content.decode()
    assert "人民调解员工作台" in page  # the more senior role comes first
    assert reverse("clinic:home_role", args=["lawyer"]) in page
    assert "律师工作台" in client.get(reverse("clinic:home_role", args=["lawyer"])).content.decode()


def test_a_home_page_of_a_role_one_does_not_hold_is_refused(demo: None) -> None:
    response = client_for("gridworker").get(reverse("clinic:home_role", args=["coordinator"]))
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["gridworker", "coordinator"])
def test_pages_are_built_for_a_phone_and_load_only_local_assets(demo: None, username: str) -> None:
    page = client_for(username).get(reverse("clinic:home"), follow=True).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def test_the_session_is_kept_alive_while_a_form_is_filled_in(demo: None, settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = client_for("mediator")
    assert client.post(reverse("clinic:keepalive")).status_code == 204
    assert Client().post(reverse("clinic:keepalive")).status_code == 302


def test_the_language_switch_turns_pages_into_english(demo: None) -> None:
    client = client_for("mediator")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("clinic:home"), follow=True).content.decode()
    assert "People&#x27;s mediator's desk" in page and "Sign out" in page


def test_chinese_is_the_language_even_for_an_english_browser(demo: None) -> None:
    page = client_for("mediator").get(
        reverse("clinic:home"), follow=True, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "人民调解员工作台" in page.content.decode()


def test_the_street_officer_sees_this_months_headline_and_the_streets_alerts(demo: None) -> None:
    """The motto's three shares for the street this month, and its red-risk and overdue open
    disputes (the card's figures were worked out, then thrown away)."""
    settle(in_state(State.SIT_IN))
    in_state(State.SIT_IN, risk="red")
    page = client_for("street").get(reverse("clinic:home"), follow=True).content.decode()
    assert "本月" in page
    assert '<span class="figure">100.0%</span><span class="muted small">社区化解</span>' in page
    assert "本街道：红色风险 1 件，超期 0 件。" in page
