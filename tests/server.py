"""The application under gunicorn on a loopback port, and a plain HTTP client that signs in
and posts forms like a browser (cookies, CSRF token), for fault tests and the soak run."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from clinic.models import User

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the database this process uses (the test database under pytest)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the gunicorn server needs PostgreSQL")
    user = urllib.parse.quote(s["USER"] or "")
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn clinic.wsgi`` on 127.0.0.1 against ``database``; stops when the block ends."""

    def __init__(self, database: str, *, workers: int = 1, threads: int = 1, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database,
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            **env,
        }
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            "clinic.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited while starting")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # up, whatever the health of the broker
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc: Any) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Response:
    def __init__(self, status: int, body: bytes, headers: Any) -> None:
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One person's browser: a cookie jar, no automatic redirects, the CSRF token sent back."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read(), error.headers)

    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, Any]]) -> Response:
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        pairs.append(("csrfmiddlewaretoken", token))
        body = urllib.parse.urlencode([(k, "" if v is None else v) for k, v in pairs]).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Referer", self.base + path)
        return self._open(request)

    def sign_in(self, username: str, password: str) -> None:
        self.get("/login/")
        answer = self.post("/login/", {"username": username, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"sign-in of {username} failed: {answer.status}")


def set_password(username: str, password: str) -> None:
    """Give a user a password the server can check: tests hash with a fast hasher the
    server (with the project's settings) does not accept."""
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(username=username).update(password=hasher.encode(password, hasher.salt()))


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of a page's forms (``version`` and the like)."""
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found[name.group(1)] = value.group(1) if value else ""
    return found
