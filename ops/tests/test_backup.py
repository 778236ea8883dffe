"""``manage.py backup`` / ``restore``: a round trip keeps every row, file, hash and the audit chain.

Runs on the suite's database (SQLite, or PostgreSQL in CI's second pass), outside a wrapping
transaction, as the commands run in production (PostgreSQL refuses to TRUNCATE inside a
transaction with pending constraint checks).
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import User
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.audit import first_break
from newsroom.models import AuditEntry, Item, Version
from newsroom.tests.helpers import walk_to
from ops.backup import row_counts

pytestmark = pytest.mark.django_db(transaction=True)


def media_hashes() -> dict[str, str]:
    from ops.backup import media_names

    hashes = {}
    for name in media_names():
        with default_storage.open(name, "rb") as fh:
            hashes[name] = hashlib.sha256(fh.read()).hexdigest()
    return hashes


@pytest.fixture
def newsroom_with_history(
    office: dict[str, User], assignment_data: dict[str, Any], png_bytes: bytes
) -> list[Item]:
    """Two items: one posted with an image after a returned draft, one waiting at review."""
    item = walk_to(office, assignment_data, "submit")
    operator, kasi, kabid = office["operator1"], office["kasi"], office["kabid"]
    photo = ImageUpload(SimpleUploadedFile("foto.png", png_bytes, "image/png"), "Gubernur")
    actions.submit(operator, item, title="Judul", body="<p>Isi pertama.</p>", images=[photo])
    actions.review(kasi, item, decision="return", note="Perbaiki judul.", reason="")
    actions.submit(operator, item, title="Judul baru", body="<p>Isi kedua.</p>")
    actions.review(kasi, item, decision="approve", forward=True)
    actions.verify(kabid, item, decision="approve", note="Layak tayang.")
    actions.handover(kasi, item)
    actions.post(operator, item)
    actions.comment(kasi, item, body="Terima kasih.")
    other = walk_to(office, {**assignment_data, "title": "Pasar Murah di Metro"}, "review")
    return [item, other]


def test_a_backup_restores_every_row_file_and_hash(
    newsroom_with_history: list[Item], tmp_path: Path, settings: Any
) -> None:
    before_counts = row_counts()
    before_media = media_hashes()
    before_audit = list(AuditEntry.objects.values_list("seq", "hash"))
    before_versions = dict(Version.objects.values_list("pk", "sha256"))
    # The uploaded image, and its renditions (made by the job when the version was submitted):
    # 40 px wide, so one web width in WebP and JPEG, and the four social crops.
    assert len([n for n in before_media if n.startswith("items/")]) == 1
    assert len([n for n in before_media if n.startswith("renditions/")]) == 2 + 4
    assert before_counts["newsroom.version"] == 3
    archive = tmp_path / "warta.tar.gz"

    call_command("backup", str(archive))

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert manifest["counts"] == before_counts
    assert {n: e["sha256"] for n, e in manifest["media"].items()} == before_media
    assert {"db.jsonl", "manifest.json", *(f"media/{n}" for n in before_media)} == names
    assert manifest["versions"]["django"]

    # A fresh, empty database and media folder.
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    assert not User.objects.exists()
    assert media_hashes() == {}

    call_command("restore", str(archive))

    assert row_counts() == before_counts
    assert media_hashes() == before_media
    assert list(AuditEntry.objects.values_list("seq", "hash")) == before_audit
    assert first_break() is None
    assert dict(Version.objects.values_list("pk", "sha256")) == before_versions
    assert all(v.is_intact() for v in Version.objects.all())
    call_command("verify_audit")
    # The restored office can keep working: the next action extends the same chain.
    waiting = Item.objects.get(title="Pasar Murah di Metro")
    actions.review(User.objects.get(username="kasi"), waiting, decision="approve")
    assert first_break() is None
    assert AuditEntry.objects.count() == len(before_audit) + 1


def test_restore_refuses_a_database_that_holds_data(
    newsroom_with_history: list[Item], tmp_path: Path
) -> None:
    archive = tmp_path / "warta.tar.gz"
    call_command("backup", str(archive))
    items = Item.objects.count()

    with pytest.raises(CommandError, match=r"already holds data.*--force"):
        call_command("restore", str(archive))

    assert Item.objects.count() == items
    call_command("restore", str(archive), "--force")
    assert Item.objects.count() == items
    assert first_break() is None


def test_restore_refuses_a_damaged_archive(
    newsroom_with_history: list[Item], tmp_path: Path
) -> None:
    archive = tmp_path / "warta.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "db.jsonl":
                data = data.replace(b"Judul baru", b"Judul palsu")
                member.size = len(data)
            import io

            target.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match=r"db\.jsonl is damaged"):
        call_command("restore", str(damaged))

    assert not Item.objects.exists()


def test_restore_names_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")

    with pytest.raises(CommandError, match=r"not a readable tar\.gz"):
        call_command("restore", str(bogus))
