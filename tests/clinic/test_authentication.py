"""Signing in holds up: idle sessions end, lockouts end, passwords are checked (and under the
MLPS profile age out), two-step sign-in with an authenticator app, password reset by email."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditEntry, User
from tests.conftest import client_for

PASSWORD = "clinic-demo-2026"


def _sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- Sessions and lockout -------------------------------------------------------------------


def test_a_session_ends_after_30_idle_minutes_but_not_while_someone_works(demo: None) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        busy, idle = Client(), Client()
        _sign_in(busy, "mediator")
        _sign_in(idle, "coordinator")
        for _ in range(4):  # a request every 20 minutes keeps the session going
            clock.shift(timedelta(minutes=20))
            assert busy.get(reverse("cases:case_list")).status_code == 200
        response = idle.get(reverse("cases:case_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_lockout_ends_after_15_minutes(demo: None) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        for _ in range(5):
            _sign_in(client, "mediator", "wrong-password")
        assert _sign_in(client, "mediator").status_code == 429
        clock.shift(timedelta(minutes=16))
        assert _sign_in(client, "mediator").status_code == 302


def test_an_over_long_user_name_is_refused_in_chinese_and_counts_nothing(demo: None) -> None:
    response = _sign_in(Client(), "0" * 256, "<script>alert(1)</script>")
    assert response.status_code == 200
    assert "不超过 150 字符" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert _sign_in(Client(), "mediator").status_code == 302


# --- Passwords ------------------------------------------------------------------------------


def _change(client: Client, new: str, old: str = PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3#xy", "密码太短，至少需要 10 个字符"),
        ("password123", "这个密码太常见了"),
        ("50482917364", "密码只包含数字"),
        ("mediator2026", "太相似了"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(demo: None, password: str, message: str) -> None:
    client = client_for("mediator")
    response = _change(client, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(username="mediator").check_password(PASSWORD)


@pytest.fixture
def mlps(settings: Any) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "clinic.lib.passwords.CharacterClassesValidator"},
    ]
    settings.PASSWORD_MAX_AGE_DAYS = 90


def test_the_mlps_profile_wants_letters_digits_and_symbols(demo: None, mlps: None) -> None:
    client = client_for("mediator")
    refused = _change(client, "tiaojie2026x")
    assert "密码必须同时包含字母、数字和符号" in refused.content.decode()
    assert _change(client, "Tiao#jie2026x").status_code == 302
    person = User.objects.get(username="mediator")
    assert person.check_password("Tiao#jie2026x")
    assert person.password_age_days() == 0


def test_the_mlps_profile_warns_before_and_then_asks_for_a_new_password(
    demo: None, mlps: None
) -> None:
    person = User.objects.get(username="mediator")
    User.objects.filter(pk=person.pk).update(
        password_changed_at=timezone.now() - timedelta(days=80)
    )
    client = client_for("mediator")
    page = client.get(reverse("cases:case_list"), follow=True).content.decode()
    assert "您的密码将在 10 天后过期" in page

    User.objects.filter(pk=person.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert _change(client, "Tiao#jie2026x").status_code == 302
    assert client.get(reverse("cases:case_list")).status_code == 200


def test_without_the_profile_passwords_do_not_age(demo: None) -> None:
    person = User.objects.get(username="mediator")
    User.objects.filter(pk=person.pk).update(
        password_changed_at=timezone.now() - timedelta(days=400)
    )
    assert client_for("mediator").get(reverse("cases:case_list")).status_code == 200


# --- Two-step sign-in -----------------------------------------------------------------------


def _code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else timezone.now().timestamp()
    return f"{totp.token():06d}"


@pytest.fixture
def two_factor(settings: Any) -> None:
    settings.TWO_FACTOR = True


def test_a_district_admin_must_set_up_an_app_and_then_enter_its_codes(
    demo: None, two_factor: None
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        _sign_in(client, "admin")
        response = client.get(reverse("clinic:people"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup"))

        setup = client.get(response["Location"])
        assert "data:image/svg+xml" in setup.content.decode()
        device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
        wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
        assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
        clock.shift(timedelta(seconds=5))  # a wrong code holds the device back for a moment
        right = client.post(
            reverse("two_factor_setup"), {"code": _code(device), "next": reverse("clinic:people")}
        )
        assert right.status_code == 302 and right["Location"] == reverse("clinic:people")
        assert client.get(reverse("clinic:people")).status_code == 200

        # The next sign-in asks for a code before anything else.
        client.post(reverse("logout"))
        clock.shift(timedelta(minutes=2))
        _sign_in(client, "admin")
        asked = client.get(reverse("clinic:people"))
        assert asked["Location"].startswith(reverse("two_factor_verify"))
        assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 400
        clock.shift(timedelta(seconds=5))
        assert AuditEntry.objects.filter(
            event="login_failed", username="admin", result="failed"
        ).exists()
        device.refresh_from_db()
        assert client.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
        assert client.get(reverse("clinic:people")).status_code == 200


def test_two_step_sign_in_is_optional_for_other_roles_until_they_set_it_up(
    demo: None, two_factor: None
) -> None:
    client = Client()
    _sign_in(client, "mediator")
    assert client.get(reverse("cases:case_list")).status_code == 200


def test_without_the_setting_there_is_no_second_step(demo: None) -> None:
    device = TOTPDevice.objects.create(
        user=User.objects.get(username="admin"), name="app", confirmed=True
    )
    assert device.pk
    client = Client()
    _sign_in(client, "admin")
    assert client.get(reverse("clinic:people")).status_code == 200
    assert client.get(reverse("two_factor_setup")).status_code == 404


# --- Password reset -------------------------------------------------------------------------


def _reset_link(client: Client, email: str) -> str:
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    return link.group(1)


def test_a_password_is_reset_by_email_once(demo: None) -> None:
    client = Client()
    link = _reset_link(client, "mediator@clinic.example")
    assert "法律诊所" in mail.outbox[0].subject
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "Xin-mima-2026"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert User.objects.get(username="mediator").check_password(new)
    again = Client().get(link, follow=True).content.decode()
    assert "链接已过期或已被使用" in again


def test_a_reset_link_expires_after_an_hour(demo: None) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        link = _reset_link(Client(), "mediator@clinic.example")
        clock.shift(timedelta(minutes=61))
        page = Client().get(link, follow=True).content.decode()
    assert "链接已过期或已被使用" in page
    assert User.objects.get(username="mediator").check_password(PASSWORD)


def test_an_unknown_address_looks_the_same_and_sends_nothing(demo: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_reset_link_is_on_the_sites_address_not_the_requests_host(
    demo: None, settings: Any
) -> None:
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    Client(HTTP_HOST="10.0.0.5").post(
        reverse("password_reset"), {"email": "mediator@clinic.example"}
    )
    body = str(mail.outbox[0].body)
    assert "https://clinic.example.org/password/reset/" in body
    assert "10.0.0.5" not in body
