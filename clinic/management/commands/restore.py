"""Load a backup archive into an empty, freshly migrated database, once every chunk of it has
verified under the backup key (``--key-file`` or ``CLINIC_BACKUP_KEY_FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from clinic.backup import BackupRefused, load_key, restore, verify
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Restore a backup made by `backup` into an empty database (migrated first if needed). "
        "A damaged, cut-short or changed archive is refused before anything is changed; all of "
        "it is loaded or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--key-file",
            type=Path,
            help="file holding the backup key (default: the file CLINIC_BACKUP_KEY_FILE names)",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="read the whole archive through and check every chunk; change nothing",
        )

    def handle(
        self,
        *args: Any,
        archive: Path,
        key_file: Path | None,
        verify_only: bool,
        **options: Any,
    ) -> None:
        try:
            key = load_key(key_file)
            if verify_only:
                manifest = verify(archive, key)
                rows = sum(manifest["rows"].values())
                self.stdout.write(f"{archive}: whole and unchanged, {rows} rows")
                return
            call_command("migrate", interactive=False, verbosity=0)
            manifest = restore(archive, key=key)
        except BackupRefused as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"restored {rows} rows and the uploaded files from {archive}")
