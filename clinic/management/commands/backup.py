"""Write a consistent, compressed archive of all data and uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clinic.backup import backup


class Command(BaseCommand):
    help = "Back up every table and every uploaded file into one .tar.gz (safe while in use)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="archive to write")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        manifest = backup(output)
        rows = sum(manifest["rows"].values())
        size = output.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"{output}: {rows} rows of {len(manifest['rows'])} tables, {size:.1f} MiB"
        )
