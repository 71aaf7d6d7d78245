"""A private redis-server for the broker tests: on a free port of the loopback, in the test's
own directory, never the machine's Redis (which CI uses). Missing, it fails the run in CI and
skips elsewhere."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI


class RedisServer:
    """A private redis-server on a free port; ``persistent`` keeps an append-only file so a
    restart keeps what was queued, otherwise (``--save ""``, no AOF) a restart forgets it."""

    def __init__(self, directory: Path, *, persistent: bool) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (Debian package redis-server)"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        self.binary = binary
        self.directory = directory
        self.persistent = persistent
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes" if self.persistent else "no",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == "+PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)

    def command(self, *words: str) -> str:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall((" ".join(words) + "\r\n").encode())
                return conn.recv(1 << 20).decode().split("\r\n")[0]
        except OSError:
            return ""

    def queued(self) -> list[dict[str, Any]]:
        """The task messages waiting in the default queue, oldest first."""
        length = int(self.command("LLEN", "celery").lstrip(":") or 0)
        messages = []
        for index in range(length):
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(f"LINDEX celery {-1 - index}\r\n".encode())
                data = b""
                while not data.endswith(b"\r\n") or data.count(b"\r\n") < 2:
                    data += conn.recv(1 << 20)
            messages.append(json.loads(data.split(b"\r\n", 1)[1].rsplit(b"\r\n", 1)[0]))
        return messages
