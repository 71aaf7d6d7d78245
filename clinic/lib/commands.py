"""Management commands that change or export data leave an audit entry: who ran them on the
server (the operating-system user, as nobody signs in to run ``manage.py``), with which
arguments (ID numbers and phones masked, secrets left out) and whether they succeeded.

Such a command subclasses ``AuditedCommand`` instead of ``BaseCommand``; nothing else changes.
``tests/clinic/test_commands_audited.py`` checks that every command of the project does, but
the few that only print something (the state diagram)."""

from __future__ import annotations

import getpass
import os
import re
from typing import Any

from django.core.management.base import BaseCommand

from clinic.audit import record
from clinic.choices import AuditEvent, AuditResult
from clinic.lib.masking import mask_id_number, mask_phone

#: Options every command has, which say nothing about what it did.
COMMON_OPTIONS = frozenset(
    {
        "verbosity",
        "settings",
        "pythonpath",
        "traceback",
        "no_color",
        "force_color",
        "skip_checks",
        "stdout",
        "stderr",
        "stdin",
    }
)
#: Options whose value is never written down: only that one was given.
SECRET_OPTION = re.compile(r"password|passphrase|secret|token|(^|_)key$", re.IGNORECASE)
#: A resident ID number (18 characters, or the old 15 digits) or a mainland mobile number
#: anywhere in an argument, not part of a longer run of digits.
ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def operating_system_user() -> str:
    """Who runs the process on the server (the uid when there is no name for it)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def scrub(value: object) -> Any:
    """An argument as it may be kept: numbers that identify a person masked, lists item by
    item, anything else as its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub(item) for item in value]
    text = ID_NUMBER.sub(lambda match: mask_id_number(match.group()), str(value))
    return MOBILE.sub(lambda match: mask_phone(match.group()), text)


def arguments(args: tuple[Any, ...], options: dict[str, Any]) -> dict[str, Any]:
    """The positional arguments and the options of one run as they are kept."""
    kept: dict[str, Any] = {}
    for name, value in sorted(options.items()):
        if name in COMMON_OPTIONS:
            continue
        kept[name] = "***" if SECRET_OPTION.search(name) and value else scrub(value)
    return {"args": scrub(list(args)), "options": kept}


class AuditedCommand(BaseCommand):
    """A command whose every run is written to the audit log once it has ended, with its
    result: ``ok``, or ``failed`` and the kind of error (the error is raised again)."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            output = super().execute(*args, **options)
        except BaseException as error:
            try:
                self.audit(args, options, error)
            except Exception as audit_error:  # the command's own error is the one to see
                self.stderr.write(f"could not write the audit entry: {audit_error!r}")
            raise
        self.audit(args, options, None)
        return output

    def audit(
        self, args: tuple[Any, ...], options: dict[str, Any], error: BaseException | None
    ) -> None:
        name = self.__module__.rpartition(".")[2]
        os_user = operating_system_user()
        detail: dict[str, Any] = {"command": name, "os_user": os_user, **arguments(args, options)}
        if error is not None:
            detail["error"] = type(error).__name__
        record(
            AuditEvent.COMMAND,
            username=os_user,
            result=AuditResult.FAILED if error is not None else AuditResult.OK,
            object_type="command",
            object_id=name,
            detail=detail,
        )
