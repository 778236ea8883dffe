"""Finding 3 of issue 13 (files): backups, the entries in them and what Warta writes under var/
(the databases, the job queue, the keys, media and exports) are for Warta's own user only,
whatever the umask of the process; collected static files stay readable for nginx."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

OWNER_FILE, OWNER_FOLDER = 0o600, 0o700


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def permissive_umask() -> Iterator[None]:
    """A process started with umask 0: every mode below must come from Warta, not the umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_a_backup_and_every_entry_in_it_are_for_the_owner_only(
    db: None, tmp_path: Path, settings: Any, png_bytes: bytes
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("images/2026/12/foto.png", ContentFile(png_bytes))
    archive = tmp_path / "backups" / "nightly" / "warta.tar.gz"
    (tmp_path / "backups" / "nightly").mkdir(parents=True)
    (tmp_path / "backups" / "nightly" / "warta.tar.gz.partial").write_bytes(b"left over")
    os.chmod(tmp_path / "backups" / "nightly" / "warta.tar.gz.partial", 0o644)
    new_folder = tmp_path / "new" / "backups"

    with permissive_umask():
        call_command("backup", str(archive), stdout=StringIO())
        call_command("backup", str(new_folder / "warta.tar.gz"), stdout=StringIO())

    assert mode(archive) == OWNER_FILE
    assert mode(new_folder) == OWNER_FOLDER
    assert mode(new_folder / "warta.tar.gz") == OWNER_FILE
    with tarfile.open(archive) as tar:
        members = {m.name: m.mode for m in tar.getmembers()}
    assert {"db.jsonl", "manifest.json", "media/images/2026/12/foto.png"} <= set(members)
    assert set(members.values()) == {OWNER_FILE}


def test_uploads_and_exports_on_disk_are_for_the_owner_only(
    tmp_path: Path, settings: Any, png_bytes: bytes
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"

    with permissive_umask():
        photo = default_storage.save("images/2026/12/foto.png", ContentFile(png_bytes))
        export = default_storage.save("exports/2026/12/laporan.xlsx", ContentFile(b"PK..."))

    for name in (photo, export):
        path = Path(default_storage.path(name))
        assert mode(path) == OWNER_FILE, name
        for folder in path.relative_to(tmp_path).parents:
            if folder != Path("."):
                assert mode(tmp_path / folder) == OWNER_FOLDER, folder


def test_collected_static_files_stay_readable_for_nginx(tmp_path: Path) -> None:
    from django.utils.module_loading import import_string

    from warta import settings as configured  # the tests themselves use plain static storage

    conf = configured.STORAGES["staticfiles"]
    storage = import_string(conf["BACKEND"])(location=tmp_path / "static", **conf["OPTIONS"])
    old = os.umask(0o077)
    try:
        storage.save("portal/portal.css", ContentFile(b"body { margin: 0 }"))
    finally:
        os.umask(old)

    assert mode(tmp_path / "static" / "portal" / "portal.css") == 0o644
    assert mode(tmp_path / "static" / "portal") == 0o755


# What a fresh Warta writes under an empty var/: run in a new process (the settings create the
# files when they are imported), with the usual umask 022, while its SQLite connection is open
# (so the WAL files exist).
FRESH_START = """
import json, os, stat
from pathlib import Path
from django.core.management import call_command
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.conf import settings
from channels import secrets
call_command("createcachetable")
secrets.keys()
default_storage.save("images/2026/12/foto.jpg", ContentFile(b"jpeg"))
default_storage.save("exports/2026/12/laporan.pdf", ContentFile(b"%PDF"))
var = Path(settings.VAR_DIR)
print(json.dumps({str(p.relative_to(var)): stat.S_IMODE(p.stat().st_mode)
                  for p in [var, *var.rglob("*")]}))
"""


def test_a_fresh_data_folder_is_for_the_owner_only(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("DATABASE_URL", "REDIS_URL", "WARTA_JOBS", "SECRET_KEY", "WARTA_SECRETS_KEYS")
    }
    env["WARTA_VAR_DIR"] = str(var)

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FRESH_START],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0o022),
    )

    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    expected_files = {
        "warta.sqlite3",
        "warta.sqlite3-wal",
        "warta.sqlite3-shm",
        "jobs.sqlite3",
        "secret_key",
        "secrets_keys",
        "media/images/2026/12/foto.jpg",
        "media/exports/2026/12/laporan.pdf",
    }
    assert expected_files <= set(modes)
    for name, found in modes.items():
        path = var / name if name != "." else var
        want = OWNER_FOLDER if path.is_dir() or name == "." else OWNER_FILE
        assert found == want, f"{name}: {found:o}"


@pytest.fixture(autouse=True)
def _media_of_this_test(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
