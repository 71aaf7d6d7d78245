"""Load a backup archive into an empty, freshly migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.backup import RestoreRefused, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database (migrated first if needed). "
        "All of it is loaded or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = restore(archive)
        except RestoreRefused as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"restored {rows} rows and the uploaded files from {archive}")
