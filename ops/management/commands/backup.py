"""Write one archive with the database and every media file (see ops/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, create


class Command(BaseCommand):
    help = (
        "Back up the database (all rows, engine-independent) and all media files into one "
        "tar.gz archive with a manifest of versions, counts and sha256 hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. warta-2026-11-27.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create(Path(options["file"]))
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(
            f"backup written to {summary.path}: {summary.rows} rows of {summary.models} models, "
            f"{summary.files} media files ({summary.bytes} bytes)"
        )
