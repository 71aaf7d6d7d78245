"""``manage.py purge_audit --older-than-days 365``: delete audit entries older than N days.
Refuses anything younger than 180 days (the log is kept at least that long). On PostgreSQL the
database trigger allows this one command's deletes and no others."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from clinic.lib.commands import AuditedCommand

MINIMUM_DAYS = 180


class Command(AuditedCommand):
    help = "Delete audit entries older than a number of days (at least 180)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args: Any, older_than_days: int, **options: Any) -> None:
        if older_than_days < MINIMUM_DAYS:
            raise CommandError(
                f"Audit entries are kept at least {MINIMUM_DAYS} days; refusing to purge younger."
            )
        cutoff = timezone.now() - timedelta(days=older_than_days)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL clinic.audit_purge = 'on'")
            cursor.execute("DELETE FROM clinic_auditentry WHERE at < %s", [cutoff])
            deleted = cursor.rowcount
        self.stdout.write(f"{deleted} audit entries older than {cutoff:%Y-%m-%d} deleted.")
