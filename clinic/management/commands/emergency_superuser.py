"""Make the one superuser kept for emergencies, or take it away again (``--revoke``).

Nobody who holds a role is a superuser, and ``createsuperuser`` refuses: this command is the
only way to one. Its run is in the audit log with the operating-system user (``AuditedCommand``),
and every sign-in of a superuser is logged as an emergency administrator's."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.lib.commands import AuditedCommand
from clinic.models import Membership, User


class Command(AuditedCommand):
    help = (
        "Make (or renew) the one superuser kept for emergencies, with a new strong password "
        "shown once (or read from standard input); --revoke takes it away afterwards."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of generating one",
        )
        parser.add_argument(
            "--revoke",
            action="store_true",
            help="take the superuser's rights away and deactivate the account",
        )

    @transaction.atomic
    def handle(
        self,
        *args: Any,
        username: str,
        password_stdin: bool,
        revoke: bool,
        **options: Any,
    ) -> None:
        user = User.objects.filter(username=username).first()
        if revoke:
            if user is None or not user.is_superuser:
                raise CommandError(f"{username} is not a superuser.")
            self._revoke(User.objects.filter(pk=user.pk))
            self.stdout.write(f"{username} is no longer a superuser and cannot sign in.")
            return
        if user is not None and Membership.objects.filter(user=user).exists():
            raise CommandError(
                f"{username} holds a role: the emergency superuser is an account of its own."
            )
        if password_stdin:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
        else:
            password = secrets.token_urlsafe(24)
        if user is None:
            user = User(username=username, display_name=_("Emergency administrator"))
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.is_superuser = user.is_staff = user.is_active = True
        user.save()
        # one emergency superuser at a time
        self._revoke(User.objects.filter(is_superuser=True).exclude(pk=user.pk))
        self.stdout.write(f"{username} is the emergency superuser; every sign-in is audited.")
        if not password_stdin:
            self.stdout.write(f"Password (shown this once): {password}")

    def _revoke(self, users: Any) -> None:
        users.update(is_superuser=False, is_staff=False, is_active=False)
