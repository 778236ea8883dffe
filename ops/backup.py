"""One-file backups of a Warta: the database as Django JSON Lines plus every media file.

Why Django's serialisation and not pg_dump or SQLite's backup API: one archive format for every
engine, so an office can move from the embedded SQLite to PostgreSQL by restoring a backup, and
the archive does not depend on the server version of ``pg_dump``. Two details make it exact:

- datetimes are written with their microseconds (Django's JSON encoder cuts them to
  milliseconds, which would break the audit chain: each entry's hash covers its time);
- rows keep their primary keys, and references to content types and permissions (which a new
  database numbers on its own) go by natural key.

The archive (tar.gz) holds ``manifest.json`` (versions, applied migrations, row counts per
model, size and sha256 of every file), ``db.jsonl`` and ``media/<name>`` for each file of the
default storage (local disk or S3). A restore checks every hash before it touches anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from lib import clock

FORMAT = 1
DB_NAME = "db.jsonl"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
# Rebuilt by ``migrate`` in any database (by natural key), or not worth keeping.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (datetime, dtime)):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class Summary:
    path: Path
    rows: int
    models: int
    files: int
    bytes: int


def backed_up_models() -> list[type[Model]]:
    """Every concrete, managed model, referenced natural keys first (as dumpdata orders them)."""
    app_list = [
        (config, None) for config in apps.get_app_configs() if config.models_module is not None
    ]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model
        for model in ordered
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def media_names(directory: str = "") -> Iterator[str]:
    """Every file of the default storage, recursively (works on local disk and on S3)."""
    try:
        dirs, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(dirs):
        yield from media_names(f"{directory}/{sub}" if directory else sub)


class HashingReader(io.RawIOBase):
    """Reads through a file while computing its sha256 (each media file is read once)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(size if size is not None else -1)
        self.digest.update(data)
        self.size += len(data)
        return data


def _code_revision() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except OSError:
        return ""
    return result.stdout.strip()


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    archive.addfile(info, io.BytesIO(data))


def dump_database(target: Path) -> int:
    """Write every row to ``target`` as JSON Lines; returns the number of rows."""
    rows = 0
    with target.open("w", encoding="utf-8") as stream:
        for model in backed_up_models():
            queryset = model._base_manager.order_by(model._meta.pk.name)
            rows += queryset.count()
            serializers.serialize(
                "jsonl",
                queryset.iterator(chunk_size=2000),
                stream=stream,
                use_natural_foreign_keys=True,
                cls=ExactJSONEncoder,
            )
    return rows


def _owner_only(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = 0o600
    return info


def _open_owner_only(path: Path) -> IO[bytes]:
    """A new file (replacing one left behind) that only Warta's user can read: the archive
    holds every row, password hashes and encrypted secrets included."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a partial file left by a failed run may have another mode
    return os.fdopen(fd, "wb")


def create(path: Path) -> Summary:
    """Write the archive to ``path``, through a temporary name: a failure leaves no half file.
    The archive and every entry in it are for the owner only (0600; a new folder 0700)."""
    path = path.resolve()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    media: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        _open_owner_only(partial) as raw,
    ):
        db_file = Path(tmp) / DB_NAME
        rows = dump_database(db_file)
        with tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(db_file, arcname=DB_NAME, filter=_owner_only)
            for name in media_names():
                info = tarfile.TarInfo(MEDIA_PREFIX + name)
                info.size, info.mtime, info.mode = (
                    default_storage.size(name),
                    int(time.time()),
                    0o600,
                )
                with default_storage.open(name, "rb") as fh:
                    reader = HashingReader(fh)
                    archive.addfile(info, reader)
                media[name] = {"size": reader.size, "sha256": reader.digest.hexdigest()}
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "created_at": clock.now().isoformat(),
                "versions": {
                    "warta": _code_revision(),
                    "django": django.get_version(),
                    "python": platform.python_version(),
                    "database": connection.vendor,
                },
                "migrations": applied_migrations(),
                "counts": row_counts(),
                "database": {"name": DB_NAME, "rows": rows, "sha256": _sha256_of_file(db_file)},
                "media": media,
            }
            _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
    partial.replace(path)
    total = sum(entry["size"] for entry in media.values())
    return Summary(path, rows, len(manifest["counts"]), len(media), total)


# --- restore ----------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST_NAME)
    except KeyError as exc:
        raise BackupError("this file is not a Warta backup (it has no manifest.json)") from exc
    assert member is not None
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not supported here")
    return manifest


def _member_sha256(archive: tarfile.TarFile, name: str) -> str:
    handle = archive.extractfile(name)
    if handle is None:
        raise BackupError(f"{name} is missing from the backup")
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def verify_archive(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every file in the archive matches the hash in the manifest (before anything changes)."""
    expected = {DB_NAME: manifest["database"]["sha256"]}
    expected.update({MEDIA_PREFIX + n: e["sha256"] for n, e in manifest["media"].items()})
    for name, sha256 in expected.items():
        try:
            actual = _member_sha256(archive, name)
        except KeyError as exc:
            raise BackupError(f"{name} is missing from the backup") from exc
        if actual != sha256:
            raise BackupError(f"{name} is damaged: its sha256 does not match the manifest")


def holds_data() -> bool:
    """A database holds data once it has users, items or audit entries (migrations add none)."""
    from accounts.models import User
    from newsroom.models import AuditEntry, Item

    tables = set(connection.introspection.table_names())
    return any(
        model._meta.db_table in tables and model._base_manager.exists()
        for model in (User, Item, AuditEntry)
    )


def migration_targets(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """The last migration of each app in the backup; refuse a backup made by newer code."""
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    targets = []
    for app, names in manifest["migrations"].items():
        unknown = [n for n in names if (app, n) not in known]
        if unknown and app in {c.label for c in apps.get_app_configs()}:
            raise BackupError(
                f"the backup was made by a newer Warta (migration {app}.{unknown[-1]} is unknown "
                "here): upgrade this installation first, then restore"
            )
        if names and app in {c.label for c in apps.get_app_configs()}:
            targets.append((app, names[-1]))
    return targets


def restore_media(archive: tarfile.TarFile, manifest: dict[str, Any]) -> int:
    for name in manifest["media"]:
        handle = archive.extractfile(MEDIA_PREFIX + name)
        assert handle is not None
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"media file {name} was stored as {saved}; restore stopped")
    return len(manifest["media"])


def restore(path: Path, force: bool = False, verbosity: int = 0) -> dict[str, Any]:
    """Restore the archive into this database and storage; returns its manifest.

    The schema is first migrated to the backup's migrations, the rows are loaded (one
    transaction, by ``loaddata``), then the schema is migrated to this code's migrations.
    """
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    try:
        archive = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable tar.gz archive ({exc})") from exc
    with archive:
        manifest = read_manifest(archive)
        verify_archive(archive, manifest)
        if holds_data() and not force:
            raise BackupError(
                "the database already holds data (users, items or audit entries); restore only "
                "into an empty database, or add --force to replace everything in it"
            )
        for app, name in migration_targets(manifest):
            call_command("migrate", app, name, interactive=False, verbosity=verbosity)
        call_command("flush", interactive=False, verbosity=verbosity)
        with tempfile.TemporaryDirectory() as tmp:
            archive.extract(DB_NAME, tmp, filter="data")
            call_command("loaddata", str(Path(tmp) / DB_NAME), verbosity=verbosity)
        restore_media(archive, manifest)
        call_command("migrate", interactive=False, verbosity=verbosity)
    return manifest
