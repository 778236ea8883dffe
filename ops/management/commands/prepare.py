"""Everything before serving, in one process: SOP check, migrations, cache table, static files,
demo office.

One process instead of five ``manage.py`` calls: each start of Django costs seconds on a small
machine, and ``make run`` should be quick to come up.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sop.loader import SopError, load_sop


class Command(BaseCommand):
    help = (
        "Validate the SOP file, migrate, create the cache table, collect static files and seed "
        "the demo office on an empty database. A malformed SOP file stops it with one line."
    )
    # The system check would report a malformed SOP file over several lines; the first step
    # below reports it in one, before the database is touched.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            load_sop(settings.SOP_FILE)
        except SopError as exc:
            raise CommandError(str(exc)) from exc
        verbosity: int = options["verbosity"]
        call_command("migrate", interactive=False, skip_checks=True, verbosity=verbosity)
        call_command("load_sop", stdout=self.stdout)
        call_command("createcachetable", verbosity=0)
        self._collect_static()
        call_command("seed_demo", stdout=self.stdout)

    def _collect_static(self) -> None:
        """Run collectstatic unless the source files are exactly those collected last time.

        Hashing and compressing ~1,000 files takes many seconds on a small machine, and the
        files change only with a new release.
        """
        root = Path(settings.STATIC_ROOT)
        stamp = root / ".warta-collected"
        manifest = getattr(staticfiles_storage, "manifest_name", None)
        fingerprint = _static_fingerprint()
        if (
            stamp.exists()
            and stamp.read_text() == fingerprint
            and (manifest is None or (root / manifest).exists())
        ):
            self.stdout.write("collectstatic: static files unchanged; skipped.")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)


def _static_fingerprint() -> str:
    """A digest of every static source file's path, size and modification time."""
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    entries.append(str(settings.STORAGES["staticfiles"]["BACKEND"]))
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()
