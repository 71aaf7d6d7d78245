"""``manage.py purge_audit --older-than-days 365``: delete audit entries older than N days.
Refuses anything younger than 180 days (the log is kept at least that long). The database
refuses every other delete of the log: this command alone says it is the retention purge (on
PostgreSQL with a setting of its transaction, on SQLite with a permit row it writes and removes
again in it; ``clinic.lib.triggers.append_only_triggers``), and even then only entries older
than 180 days go.

The hash chain stays whole: the purge deletes the oldest entries up to the first one that is
to be kept (in the chain's order, not only by time), and keeps an ``AuditAnchor`` with the last
deleted entry's seal, where ``verify_audit`` starts the chain from then on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from clinic.lib import audit_chain, triggers
from clinic.lib.commands import AuditedCommand
from clinic.models import AuditAnchor, AuditEntry, lock_chain

MINIMUM_DAYS = triggers.RETENTION_DAYS


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
        with transaction.atomic():
            lock_chain()
            first_kept = (
                AuditEntry.objects.filter(at__gte=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            old = AuditEntry.objects.filter(at__lt=cutoff)
            if first_kept is not None:
                old = old.filter(pk__lt=first_kept)
            last = old.order_by("-pk").values_list("pk", "hash").first()
            deleted = 0
            if last is not None:
                through_id, hash_ = last
                AuditAnchor.objects.create(
                    through_id=through_id,
                    hash=hash_,
                    seal=audit_chain.seal_anchor(through_id, hash_),
                )
                deleted = _delete_through(through_id)
        self.stdout.write(f"{deleted} audit entries older than {cutoff:%Y-%m-%d} deleted.")


def _delete_through(last_id: int) -> int:
    """Delete the entries up to ``last_id`` as the retention purge (inside its transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL clinic.audit_purge = 'on'")
        else:
            cursor.execute(triggers.grant_permit("retention"))
        cursor.execute("DELETE FROM clinic_auditentry WHERE id <= %s", [last_id])
        deleted = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL clinic.audit_purge = 'off'")
        else:
            cursor.execute(triggers.REVOKE_PERMITS)
    return deleted
