"""Backup and restore of everything the clinic holds: every table and every uploaded file.

The archive is a gzip-compressed tar, sealed in authenticated chunks under a key the operator
provides (``clinic.lib.sealed``: AES-256-GCM, one chunk per MiB, a wrong key, a changed byte,
a chunk moved and an archive cut short all refused). It is streamed tar → gzip → seal → file
and back, so memory stays flat however large the uploads; the file and every temporary file
are readable by their owner only (mode 0600, in a 0700 directory). The key is not the field
key (``CLINIC_FIELD_KEYS``) nor any other key of the settings: whoever holds an archive and
one key still reads no resident's data. The tar holds:

- ``manifest.json``: format, time, database vendor, the migrations the data was written
  under, and the row count of every table;
- ``data/<app>.<model>.jsonl``: one JSON object per row, in Django's serialisation format.
  Rows keep their ids; references to content types and permissions, which ``migrate``
  numbers afresh in every database, are written by natural key. ID numbers and phones stay
  encrypted in the archive (``fernet:`` tokens); many-to-many links travel in their owner's
  row;
- ``files/...``: the upload directory (attachments, visit photos, generated documents and
  exports) as it is on disk.

The data is read in one snapshot (``REPEATABLE READ`` on PostgreSQL, one deferred read
transaction on SQLite), so a backup taken while people work is consistent and blocks no
one; uploaded files are written before the rows that point to them commit and never
change afterwards, so every row in the snapshot finds its file. Restore loads into an empty,
migrated database in one transaction (all of it or nothing), in batches, keeping every id,
and only once every chunk of the archive has verified: it is unpacked into a private
temporary directory first, to its final chunk, before the database is touched.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import gzip
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any
from zlib import error as zlib_error

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from clinic.lib.sealed import Damaged, NotSealed, OpeningReader, SealingWriter, WrongKey
from clinic.models import recount_unread_notifications

FORMAT = "clinic-backup/2"
BATCH = 1000
#: The shortest key file accepted (``openssl rand -base64 32`` writes 44 characters).
KEY_MIN_BYTES = 32
#: Files of the backup and of its temporary directory: the owner's only.
PRIVATE = 0o600

#: Rebuilt by ``migrate`` in every database (referenced by natural key instead), or
#: short-lived: not worth restoring.
DERIVED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
#: Rows that ``migrate`` itself creates (the role groups) and a restore replaces.
MIGRATE_MADE = {"auth.group", "auth.group_permissions"}


class BackupRefused(Exception):
    """The backup cannot be written or read as asked (no key, or an unfit one)."""


class RestoreRefused(BackupRefused):
    """The archive or the target database is not fit for a restore; nothing was changed."""


# --- The operator's key ---------------------------------------------------------------------


def _other_keys() -> list[bytes]:
    """The keys of the settings, each as written and, when it is base64, decoded: the backup
    key must be none of them."""
    written = [*settings.FIELD_ENCRYPTION_KEYS, settings.LOOKUP_HASH_KEY, settings.SECRET_KEY]
    found = []
    for key in written:
        found.append(key.encode().strip())
        with suppress(binascii.Error, ValueError):
            found.append(base64.urlsafe_b64decode(key.encode()))
    return found


def load_key(key_file: Path | str | None = None) -> bytes:
    """The operator's backup key: the contents of ``key_file`` or of the file named by
    ``CLINIC_BACKUP_KEY_FILE``. Refuses a missing or short key and one of the settings' keys."""
    path = key_file or settings.BACKUP_KEY_FILE
    if not path:
        raise BackupRefused(
            "no backup key: give --key-file or set CLINIC_BACKUP_KEY_FILE to a file holding "
            "one (openssl rand -base64 32 > backup.key), kept apart from the archives"
        )
    try:
        key = Path(path).read_bytes().strip()
    except OSError as error:
        raise BackupRefused(f"cannot read the backup key file {path}: {error.strerror}") from error
    if len(key) < KEY_MIN_BYTES:
        raise BackupRefused(
            f"the backup key in {path} is too short: at least {KEY_MIN_BYTES} random bytes "
            "(openssl rand -base64 32)"
        )
    if key in _other_keys():
        raise BackupRefused(
            f"the backup key in {path} is one of the application's own keys (field, lookup or "
            "secret key): use a key of its own, so that an archive and one key are not enough"
        )
    return key


def label(model: type[Model]) -> str:
    return model._meta.label_lower


def all_tables() -> list[type[Model]]:
    """Every model with a table of its own, many-to-many tables included."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or label(model) in DERIVED:
            continue
        found.append(model)
    return sorted(found, key=label)


def backed_up_models() -> list[type[Model]]:
    """The models written to the archive; many-to-many tables travel inside their owners'
    rows (``"groups": [...]``)."""
    return [m for m in all_tables() if not m._meta.auto_created]


# --- Natural keys of what migrate numbers ---------------------------------------------------


def _content_types() -> Any:
    return apps.get_model("contenttypes", "ContentType")


def _permissions() -> Any:
    return apps.get_model("auth", "Permission")


def natural_keys() -> dict[str, dict[int, list[str]]]:
    """id → natural key of every content type and permission of this database."""
    types = {ct.pk: [ct.app_label, ct.model] for ct in _content_types().objects.all()}
    perms = {
        p.pk: [p.codename, *types[p.content_type_id]]
        for p in _permissions().objects.only("codename", "content_type_id")
    }
    return {"contenttypes.contenttype": types, "auth.permission": perms}


def local_ids() -> dict[str, dict[tuple[str, ...], int]]:
    """natural key → id, the other way round, for this database."""
    return {
        model: {tuple(key): pk for pk, key in keys.items()}
        for model, keys in natural_keys().items()
    }


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """Django's JSON Lines with natural keys for content types and permissions only, and
    times to the microsecond."""

    #: Django's serialisers keep the fields of the object being written here (None between
    #: objects); django-stubs leaves it out.
    _current: Any

    def end_object(self, obj: Model) -> None:
        options = {**self.json_kwargs, "cls": _Encoder}
        json.dump(self.get_dump_object(obj), self.stream, **options)
        self.stream.write("\n")
        self._current = None

    def __init__(self, keys: dict[str, dict[int, list[str]]]) -> None:
        super().__init__()
        self.keys = keys

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        keys = self.keys.get(label(field.remote_field.model))
        if keys is None:
            super().handle_fk_field(obj, field)
            return
        value = getattr(obj, field.attname)
        self._current[field.name] = keys[value] if value is not None else None

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        super().handle_m2m_field(obj, field)
        keys = self.keys.get(label(field.remote_field.model))
        if keys is not None and field.name in self._current:
            self._current[field.name] = [keys[pk] for pk in self._current[field.name]]


# --- Backup ---------------------------------------------------------------------------------


@contextmanager
def snapshot() -> Iterator[None]:
    """One consistent read of the whole database that does not block people working."""
    if connection.vendor == "sqlite":
        # A deferred transaction reads one WAL snapshot without the write lock that the
        # project's IMMEDIATE transactions take.
        sqlite: Any = connection  # its transaction_mode (Django 5.1) is not in django-stubs
        sqlite.ensure_connection()
        mode = sqlite.transaction_mode
        sqlite.transaction_mode = None
        try:
            with transaction.atomic():
                yield
        finally:
            sqlite.transaction_mode = mode
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


class _Counter:
    """Counts rows as the serialiser consumes them."""

    def __init__(self, rows: Iterable[Model]) -> None:
        self.rows = rows
        self.seen = 0

    def __iter__(self) -> Iterator[Model]:
        for row in self.rows:
            self.seen += 1
            yield row


def _private(path: str, flags: int) -> int:
    """``open``'s opener for a file only its owner may read."""
    return os.open(path, flags, PRIVATE)


def backup(target: Path, *, key: bytes, media_root: Path | None = None) -> dict[str, Any]:
    """Write the archive to ``target``, sealed under ``key`` and readable by its owner only
    (atomically: a partial archive never has the name). Returns the manifest."""
    media = Path(media_root or settings.MEDIA_ROOT)
    target = Path(target)
    counts: dict[str, int] = {}
    # mkdtemp makes the directory 0700; the files in it are 0600 besides.
    with tempfile.TemporaryDirectory(prefix="clinic-backup-") as work:
        data_dir = Path(work) / "data"
        data_dir.mkdir(mode=0o700)
        with snapshot():
            keys = natural_keys()
            for model in all_tables():
                if model._meta.auto_created:
                    counts[label(model)] = model._base_manager.count()
                    continue
                rows = _Counter(model._base_manager.order_by("pk").iterator(chunk_size=2000))
                jsonl = data_dir / f"{label(model)}.jsonl"
                with open(jsonl, "w", encoding="utf-8", opener=_private) as out:
                    _Serializer(keys).serialize(rows, stream=out)
                counts[label(model)] = rows.seen
            migrations = _applied_migrations()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "rows": counts,
        }
        with open(Path(work) / "manifest.json", "w", opener=_private) as out:
            json.dump(manifest, out, indent=1)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            with open(partial, "xb", opener=_private) as out:
                os.fchmod(out.fileno(), PRIVATE)  # whatever the umask
                _write_archive(out, key, Path(work), media)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _write_archive(out: IO[bytes], key: bytes, work: Path, media: Path) -> None:
    """tar → gzip → seal → ``out``, one block at a time. The manifest goes first, so that a
    restore reads it before anything else."""
    with (
        SealingWriter(out, key) as sealed,
        gzip.GzipFile(fileobj=sealed, mode="wb", compresslevel=6, mtime=0) as packed,
        tarfile.open(fileobj=packed, mode="w|") as archive,
    ):
        archive.add(work / "manifest.json", "manifest.json")
        archive.add(work / "data", "data")
        for path in _files(media):
            archive.add(path, f"files/{path.relative_to(media).as_posix()}")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


# --- Restore --------------------------------------------------------------------------------


@contextmanager
def opened(source: Path, key: bytes) -> Iterator[tuple[tarfile.TarFile, OpeningReader]]:
    """The archive's tar, read as a stream through its verified chunks (and the reader, to
    check it to its end). A wrong key, a file that is no sealed backup and a damaged chunk
    raise ``RestoreRefused``."""
    try:
        with Path(source).open("rb") as raw:
            reader = OpeningReader(raw, key)
            with (
                gzip.GzipFile(fileobj=reader, mode="rb") as packed,
                tarfile.open(fileobj=packed, mode="r|") as archive,
            ):
                yield archive, reader
    except WrongKey as error:
        raise RestoreRefused(
            f"{source} was not written with this key: give the key the backup was made with"
        ) from error
    except NotSealed as error:
        raise RestoreRefused(f"{source} is not a clinic backup: {error}") from error
    except Damaged as error:
        raise RestoreRefused(
            f"{source} is damaged, cut short or was changed ({error}): refusing to restore "
            "it; nothing was changed"
        ) from error
    except (OSError, EOFError, tarfile.TarError, zlib_error) as error:
        raise RestoreRefused(f"{source} is not a readable clinic backup: {error}") from error


def _manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    member = archive.next()
    content = archive.extractfile(member) if member and member.name == "manifest.json" else None
    try:
        manifest = json.load(content) if content else None
    except json.JSONDecodeError as error:
        raise RestoreRefused(f"{source} is not a clinic backup: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreRefused(f"{source} is not a clinic backup of format {FORMAT}")
    return manifest


def read_manifest(source: Path, key: bytes) -> dict[str, Any]:
    """The manifest at the head of the archive (the rest is not read)."""
    with opened(source, key) as (archive, _):
        return _manifest(archive, source)


def verify(source: Path, key: bytes) -> dict[str, Any]:
    """Read the whole archive through (nothing is written anywhere): its manifest when every
    chunk verifies, ``RestoreRefused`` otherwise."""
    with opened(source, key) as (archive, reader):
        manifest = _manifest(archive, source)
        for member in _rest(archive):
            if member.isfile():
                content = archive.extractfile(member)
                while content is not None and content.read(1024 * 1024):
                    pass
        reader.verify_to_end()
    return manifest


def _rest(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The members after the manifest, one at a time, each forgotten once the next is read
    (a tar read as a stream keeps every member's header otherwise: a long list for a large
    upload directory)."""
    while (member := archive.next()) is not None:
        yield member
        # TarFile keeps the members read so far in ``members`` (not in typeshed's stub).
        archive.members.clear()  # type: ignore[attr-defined]


def _check_target(manifest: dict[str, Any]) -> None:
    if manifest["database"] != connection.vendor:
        raise RestoreRefused(
            f"this backup was made on {manifest['database']}, not on {connection.vendor}"
        )
    unknown = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in _applied_migrations()}
    if unknown:
        raise RestoreRefused(
            "the backup was written by a newer version of the system; migrations missing "
            f"here: {sorted(unknown)[:5]}"
        )
    occupied = [
        label(m) for m in all_tables() if label(m) not in MIGRATE_MADE and m._base_manager.exists()
    ]
    if occupied:
        raise RestoreRefused(
            f"the database is not empty ({', '.join(occupied[:5])} …): restore only into a "
            "freshly migrated database"
        )


def _rows(path: Path, local: dict[str, dict[tuple[str, ...], int]]) -> Iterator[dict]:
    """The archived rows of one model, natural keys turned into this database's ids."""
    model = None
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if model is None:
                model = apps.get_model(row["model"])
                mapped = {
                    f.name: (local[label(f.remote_field.model)], f.many_to_many)
                    for f in model._meta.get_fields()
                    if f.is_relation
                    and f.concrete
                    and f.remote_field
                    and label(f.remote_field.model) in local
                }
            fields = row["fields"]
            for name, (ids, many) in mapped.items():
                value = fields.get(name)
                if value is None:
                    continue
                if many:
                    fields[name] = [ids[tuple(key)] for key in value]
                else:
                    fields[name] = ids[tuple(value)]
            yield row


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: type[Model], objects: list[Model]) -> None:
    """Insert rows as they are (ids and timestamps included), in one statement per batch."""
    fields = [f for f in model._meta.concrete_fields]
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for batch in _batches(objects, size):
        # _insert is the private method bulk_create uses, with raw=True; not in django-stubs.
        model._base_manager._insert(  # type: ignore[attr-defined]
            batch, fields=fields, raw=True, using=connection.alias
        )


def _load(path: Path, local: dict[str, dict[tuple[str, ...], int]]) -> None:
    links: dict[Any, list[Model]] = {}
    for batch in _batches(_rows(path, local), BATCH):
        objects = list(PythonDeserializer(batch, handle_forward_references=False))
        if not objects:
            continue
        model = type(objects[0].object)
        _insert(model, [d.object for d in objects])
        for item in objects:
            for name, targets in (item.m2m_data or {}).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                links.setdefault(through, []).extend(
                    through(**{f"{source}_id": item.object.pk, f"{target}_id": pk})
                    for pk in targets
                )
    for through, rows in links.items():
        through._base_manager.bulk_create(rows, batch_size=BATCH)


def _unpack(source: Path, key: bytes, work: Path) -> dict[str, Any]:
    """Check the manifest against this database, then unpack the archive into ``work`` to its
    final chunk: nothing of the database is touched before every chunk has verified."""
    with opened(source, key) as (archive, reader):
        manifest = _manifest(archive, source)
        _check_target(manifest)
        for member in _rest(archive):
            archive.extract(member, work, filter="data")
        reader.verify_to_end()
    return manifest


def restore(source: Path, *, key: bytes, media_root: Path | None = None) -> dict[str, Any]:
    """Load an archive into this (migrated, empty) database and the upload directory."""
    media = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="clinic-restore-") as work:
        manifest = _unpack(source, key, Path(work))
        files = Path(work) / "files"
        clash = next((p for p in _files(files) if (media / p.relative_to(files)).exists()), None)
        if clash is not None:
            raise RestoreRefused(
                f"{clash.relative_to(files)} is already in the upload directory: restore into "
                "an empty one"
            )
        local = local_ids()
        with transaction.atomic():
            apps.get_model("auth", "Group").objects.all().delete()
            for path in sorted((Path(work) / "data").glob("*.jsonl")):
                _load(path, local)
            recount_unread_notifications()
            restored = [m for m in all_tables() if label(m) in manifest["rows"]]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                    cursor.execute(sql)
            counts = {label(m): m._base_manager.count() for m in restored}
            wrong = {
                k: (v, manifest["rows"][k]) for k, v in counts.items() if v != manifest["rows"][k]
            }
            if wrong:
                raise RestoreRefused(f"row counts differ after loading (here, archive): {wrong}")
            copied: list[Path] = []
            try:
                for path in _files(files):
                    destination = media / path.relative_to(files)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
                    copied.append(destination)
            except OSError:
                for path in copied:  # the rows roll back; take their files back too
                    path.unlink(missing_ok=True)
                raise
    return manifest
