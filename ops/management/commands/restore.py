"""Restore an archive written by ``manage.py backup`` into an empty database, then verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.audit import first_break
from newsroom.models import Version
from ops.backup import BackupError, restore, row_counts


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and storage (--force replaces what "
        "is there), then check the row counts, the audit chain and the versions' hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that is not empty (everything in it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = restore(path, force=options["force"], verbosity=options["verbosity"] - 1)
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        counts = row_counts()
        differ = {
            label: (count, counts.get(label))
            for label, count in manifest["counts"].items()
            if counts.get(label) != count
        }
        if differ:
            raise CommandError(f"restored, but these row counts differ (backup, now): {differ}")
        broken = first_break()
        if broken is not None:
            raise CommandError(
                f"restored, but the audit log is broken at entry #{broken.seq}: {broken.reason}"
            )
        damaged = [v.pk for v in Version.objects.all() if not v.is_intact()]
        if damaged:
            raise CommandError(f"restored, but versions {damaged} no longer match their hash")
        self.stdout.write(
            f"restored {path}: {manifest['database']['rows']} rows, "
            f"{len(manifest['media'])} media files; row counts match, audit log intact, "
            "every version matches its hash"
        )
