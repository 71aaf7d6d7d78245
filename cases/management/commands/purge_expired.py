"""``manage.py purge_expired [--dry-run]``: destroy the case files (卷宗) whose committee's
retention period (保管期限) has ended: their uploads, visit photos and generated papers, and
the parties' contact details (``cases.documents.retention``). Each case is written to its
timeline and the audit log; ``--dry-run`` lists what would go and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from cases.documents.retention import expired, purge_case
from clinic.lib.commands import AuditedCommand, operating_system_user


class Command(AuditedCommand):
    help = (
        "Destroy the files of closed cases whose retention period has ended (uploads, visit "
        "photos, generated papers, the parties' contact details); --dry-run only lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list the cases that are due; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        due = list(expired())
        os_user = operating_system_user()
        done = 0
        for case in due:
            ends = case.retention_ends
            line = f"{case} ({case.committee}, kept until {ends:%Y-%m-%d})" if ends else str(case)
            if dry_run:
                self.stdout.write(f"would destroy the file of {line}")
                continue
            purged = purge_case(case, os_user=os_user)
            if purged is None:
                continue
            done += 1
            self.stdout.write(
                f"destroyed the file of {line}: {len(purged.files)} files, "
                f"{purged.parties} parties' contact details"
            )
        if dry_run:
            self.stdout.write(f"{len(due)} case files are due; nothing was changed (--dry-run).")
        else:
            self.stdout.write(f"{done} case files destroyed.")
