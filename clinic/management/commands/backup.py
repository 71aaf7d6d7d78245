"""Write a consistent, compressed archive of all data and uploaded files, sealed under the
operator's backup key (``--key-file`` or ``CLINIC_BACKUP_KEY_FILE``) and readable by its
owner only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from clinic.backup import BackupRefused, backup, load_key
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Back up every table and every uploaded file into one sealed archive (safe while in "
        "use), encrypted under the backup key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="archive to write")
        parser.add_argument(
            "--key-file",
            type=Path,
            help="file holding the backup key (default: the file CLINIC_BACKUP_KEY_FILE names)",
        )

    def handle(self, *args: Any, output: Path, key_file: Path | None, **options: Any) -> None:
        try:
            manifest = backup(output, key=load_key(key_file))
        except BackupRefused as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        size = output.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"{output}: {rows} rows of {len(manifest['rows'])} tables, {size:.1f} MiB, sealed"
        )
