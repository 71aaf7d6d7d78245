"""A superuser exists only for emergencies: made by ``emergency_superuser`` (audited), never by
``createsuperuser``, never a role holder; each of its sign-ins stands out in the audit log."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEntry, User
from tests.conftest import client_for


def test_the_command_makes_one_superuser_with_a_password_shown_once(db: None) -> None:
    out = io.StringIO()
    call_command("emergency_superuser", "rescue", stdout=out)
    password = re.search(r"\(shown this once\): (\S+)", out.getvalue())
    assert password and len(password.group(1)) >= 24
    rescue = User.objects.get(username="rescue")
    assert rescue.is_superuser and rescue.is_staff and rescue.check_password(password.group(1))
    entry = AuditEntry.objects.get(event="command")
    assert entry.detail["command"] == "emergency_superuser"
    assert entry.detail["options"]["username"] == "rescue" and entry.detail["os_user"]
    assert password.group(1) not in str(entry.detail)

    call_command("emergency_superuser", "rescue2", stdout=io.StringIO())
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "rescue2"
    ]
    call_command("emergency_superuser", "rescue2", "--revoke", stdout=io.StringIO())
    assert not User.objects.filter(is_superuser=True).exists()


def test_the_password_may_come_from_standard_input_and_must_be_strong(db: None) -> None:
    call_command(
        "emergency_superuser",
        "rescue",
        "--password-stdin",
        stdin=io.StringIO("Zhu-7-Qiang-mima-2027\n"),
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="rescue").check_password("Zhu-7-Qiang-mima-2027")
    with pytest.raises(CommandError):
        call_command(
            "emergency_superuser",
            "rescue",
            "--password-stdin",
            stdin=io.StringIO("123456\n"),
            stdout=io.StringIO(),
        )
    assert AuditEntry.objects.filter(event="command", result="failed").exists()


def test_a_role_holder_never_becomes_the_superuser(demo: None) -> None:
    with pytest.raises(CommandError, match="holds a role"):
        call_command("emergency_superuser", "admin", stdout=io.StringIO())
    assert not User.objects.get(username="admin").is_superuser


def test_createsuperuser_refuses_and_points_to_the_emergency_command(db: None) -> None:
    with pytest.raises(ValueError, match="emergency_superuser"):
        call_command(
            "createsuperuser",
            "--noinput",
            "--username",
            "root2",
            "--email",
            "root2@clinic.example",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="root2").exists()


def test_each_sign_in_of_the_emergency_superuser_is_audited_as_such(demo: None) -> None:
    out = io.StringIO()
    call_command("emergency_superuser", "rescue", stdout=out)
    password = re.search(r"\(shown this once\): (\S+)", out.getvalue())
    assert password
    client = Client()
    response = client.post(reverse("login"), {"username": "rescue", "password": password.group(1)})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event="emergency_login")
    assert entry.username == "rescue"
    assert not AuditEntry.objects.filter(event="login", username="rescue").exists()
    # the audit log page names it
    page = client_for("admin").get(reverse("clinic:audit_log") + "?event=emergency_login")
    assert "紧急管理员登录" in page.content.decode()
