"""Files that only Warta's own user may read."""

from __future__ import annotations

import os
from pathlib import Path


def owner_only_file(path: Path) -> Path:
    """``path``, created empty for the owner only (0600, a new folder 0700) when it is missing.

    SQLite and huey keep the mode of a database file that exists (SQLite gives its -wal and
    -shm files the mode of the database), so creating it first makes theirs owner-only too,
    whatever the process's umask. An existing file is left as it is."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return path
