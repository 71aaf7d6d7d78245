"""What the browser is told: a nonce-based Content Security Policy with nothing inline,
cookies scripts cannot read, HSTS, no sniffing, no framing, a strict referrer policy; and
Django's deployment checks pass with the production configuration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("who", [None, "mediator"])
def test_scripts_run_only_from_this_site_with_the_pages_nonce(demo: None, who: str | None) -> None:
    client = client_for(who) if who else Client()
    response = client.get(reverse("cases:case_list") if who else reverse("login"))
    policy = _policy(response)
    assert policy["script-src"][0] == "'self'"
    nonces = [w for w in policy["script-src"] if w.startswith("'nonce-")]
    assert len(nonces) == 1
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads its scripts"
    nonce = nonces[0][len("'nonce-") : -1]
    for tag in scripts:
        assert 'src="/static/' in tag and f'nonce="{nonce}"' in tag, tag


def test_each_response_gets_a_fresh_nonce(db: None) -> None:
    first = _policy(Client().get(reverse("login")))["script-src"]
    second = _policy(Client().get(reverse("login")))["script-src"]
    assert first != second


def test_the_other_headers(demo: None) -> None:
    response = client_for("mediator").get(reverse("cases:case_list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cookies_are_http_only_and_secure_with_hsts_in_production(
    demo: None, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    page = client.get(reverse("login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    signed_in = client.post(
        reverse("login"), {"username": "mediator", "password": "clinic-demo-2026"}, secure=True
    )
    assert signed_in.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"] and cookie["secure"], name
        assert cookie["samesite"] == "Lax", name


def test_the_deployment_checks_pass_in_the_production_configuration(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "a-production-secret-" + "x7Qm2" * 12,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        "DJANGO_HTTPS": "1",
        "DJANGO_DEBUG": "0",
        "CLINIC_FIELD_KEYS": Fernet.generate_key().decode(),
        "CLINIC_LOOKUP_KEY": "a-lookup-key-" + "k9" * 20,
        "CLINIC_AUDIT_KEY": "an-audit-key-" + "q4" * 20,
        "CLINIC_SITE_URL": "https://clinic.example.org",
        "CLINIC_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SECURE_COOKIES", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test-only setting, never a deployment's
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
