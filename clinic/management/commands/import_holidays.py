"""``manage.py import_holidays 2026 2027``: add the published holidays and make-up days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from clinic.actions import do_import_holidays
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Add public holidays and 调休 make-up working days for the given years."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args: Any, years: list[int], **options: Any) -> None:
        added = do_import_holidays(years)
        self.stdout.write(f"{added} days added for {', '.join(map(str, years))}.")
