"""Every management command that changes or exports data writes one audit entry per run: the
operating-system user, the arguments (ID numbers and phones masked, secrets left out) and
whether it succeeded."""

from __future__ import annotations

import getpass
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from clinic.lib.commands import AuditedCommand, arguments
from clinic.models import AuditEntry

#: Commands of the project that only print something: no audit entry needed.
READ_ONLY = {"case_state_diagram"}


def project_commands() -> dict[str, str]:
    return {
        name: app
        for name, app in get_commands().items()
        if app in {"clinic", "cases", "scheduling"} and name not in READ_ONLY
    }


def test_every_command_of_the_project_is_audited() -> None:
    commands = project_commands()
    assert {"backup", "restore", "purge_audit", "export_statistics", "render_document"} <= set(
        commands
    )
    unaudited = [
        name
        for name, app in commands.items()
        if not isinstance(load_command_class(app, name), AuditedCommand)
    ]
    assert unaudited == []


def _entries(command: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event="command", object_id=command))


def test_a_run_is_written_with_the_operating_system_user_and_its_arguments(db: None) -> None:
    call_command("import_holidays", "2026", stdout=io.StringIO())
    (entry,) = _entries("import_holidays")
    assert entry.result == "ok" and entry.user is None
    assert entry.username == getpass.getuser() == entry.detail["os_user"]
    assert entry.detail["options"]["years"] == [2026]
    assert "verbosity" not in entry.detail["options"]


def test_a_failed_run_is_written_as_failed(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("purge_audit", "--older-than-days", "30", stdout=io.StringIO())
    (entry,) = _entries("purge_audit")
    assert entry.result == "failed" and entry.detail["error"] == "CommandError"
    assert entry.detail["options"]["older_than_days"] == 30


def test_id_numbers_and_phones_in_arguments_are_masked(tmp_path: Path) -> None:
    kept = arguments(
        ("530103197001011234", f"{tmp_path}/13812345678.pdf"),
        {"case_number": "x 53010319700101123X", "password": "s3cret", "key": "k", "n": 3},
    )
    text = str(kept)
    assert "530103197001011234" not in text and "53010319700101123X" not in text
    assert "13812345678" not in text and "138****5678" in text
    assert "530103********1234" in text
    assert kept["options"]["password"] == "***" and kept["options"]["key"] == "***"
    assert "s3cret" not in text and kept["options"]["n"] == 3


def test_reminder_commands_and_the_seed_are_written_too(demo: None) -> None:
    assert _entries("seed_demo")
    for command in ("send_digests", "send_roster_reminders"):
        call_command(command, stdout=io.StringIO())
        assert [entry.result for entry in _entries(command)] == ["ok"]
