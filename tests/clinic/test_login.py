import pytest
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEntry
from tests.clinic.test_seed_demo import DEMO_USERNAMES

HOME_HEADINGS = {
    "admin": "区管理员工作台",
    "coordinator": "社区综治专干工作台",
    "mediator": "人民调解员工作台",
    "judge": "法官工作台",
    "prosecutor": "检察官工作台",
    "police": "社区民警工作台",
    "lawyer": "律师工作台",
    "gridworker": "网格员工作台",
    "street": "街道干部工作台",
}


def _sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        follow=True,
    )


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_demo_account_signs_in_and_lands_on_its_home_page(demo: None, username: str) -> None:
    response = _sign_in(Client(), username, "clinic-demo-2026")
    assert response.status_code == 200
    assert response.resolver_match.url_name == "home_role"
    assert HOME_HEADINGS[username] in response.content.decode()
    assert AuditEntry.objects.filter(event="login", username=username).count() == 1


def test_the_sign_in_page_is_in_chinese(db: None) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page


def test_a_wrong_password_is_refused_with_a_message_that_does_not_say_which_part_was_wrong(
    demo: None,
) -> None:
    known = _sign_in(Client(), "mediator", "wrong-password").content.decode()
    unknown = _sign_in(Client(), "nobody-here", "wrong-password").content.decode()
    assert "请输入一个正确的" in known
    assert "请输入一个正确的" in unknown
    assert AuditEntry.objects.filter(event="login_failed", username="mediator").count() == 1


def test_five_failures_lock_the_account_for_fifteen_minutes(demo: None) -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, "mediator", "wrong-password")
    response = _sign_in(client, "mediator", "clinic-demo-2026")
    assert response.status_code == 429
    assert "锁定 15 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event="lockout", username="mediator").exists()


def test_an_unknown_user_gets_the_same_lockout_message(demo: None) -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, "nobody-here", "wrong-password")
    response = _sign_in(client, "nobody-here", "wrong-password")
    assert response.status_code == 429
    assert "锁定 15 分钟" in response.content.decode()


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(demo: None) -> None:
    attacker = Client()
    for _ in range(6):
        _sign_in(attacker, "mediator", "wrong-password", ip="203.0.113.9")
    response = _sign_in(Client(), "mediator", "clinic-demo-2026", ip="10.0.0.7")
    assert response.status_code == 200
    assert response.resolver_match.url_name == "home_role"


def test_signing_out_is_recorded_and_ends_the_session(demo: None) -> None:
    client = Client()
    _sign_in(client, "mediator", "clinic-demo-2026")
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(event="logout", username="mediator").exists()
    assert client.get(reverse("clinic:home")).status_code == 302


def test_pages_need_a_sign_in(db: None) -> None:
    response = Client().get(reverse("clinic:people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
