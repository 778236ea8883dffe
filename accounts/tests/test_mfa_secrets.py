"""Finding 3 of issue 13 (two-step secrets): authenticator-app secrets and recovery-code seeds
are encrypted at rest with the channel secrets' key ring; backups carry only ciphertext; key
rotation re-encrypts them; existing rows are encrypted by a migration."""

from __future__ import annotations

import importlib
import json
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import mfa_secrets
from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import check_code, recovery_codes
from accounts.models import User
from accounts.testing import candidate_codes
from channels import secrets as keyring

Office = dict[str, User]
ENCRYPTION = importlib.import_module("accounts.migrations.0004_encrypt_mfa_secrets")


def stored_rows() -> str:
    """The authenticator table as the database holds it (what a stolen dump shows)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {Authenticator._meta.db_table}")
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def seed_of(user: User) -> str:
    data = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).data
    return mfa_secrets.decrypt(data["seed"])


def a_code_works(user: User) -> bool:
    return any(check_code(user, code) for code in candidate_codes())


def test_the_app_secret_and_the_recovery_seed_are_stored_encrypted(office: Office) -> None:
    kabid = office["kabid"]
    raw = stored_rows()

    assert DEMO_TOTP_SECRET not in raw
    assert seed_of(kabid) not in raw
    totp = Authenticator.objects.get(user=kabid, type=Authenticator.Type.TOTP)
    assert totp.data["secret"].startswith(mfa_secrets.PREFIX)
    assert mfa_secrets.decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    # And they still do their job.
    assert a_code_works(kabid)
    spare = recovery_codes(kabid)[0]
    assert check_code(kabid, spare) and not check_code(kabid, spare)


def test_a_plain_secret_is_refused_not_trusted() -> None:
    with pytest.raises(mfa_secrets.MfaSecretUnreadable):
        mfa_secrets.decrypt(DEMO_TOTP_SECRET)


def test_the_migration_encrypts_the_secrets_that_were_stored_in_clear(office: Office) -> None:
    kasi = office["kasi"]
    codes = recovery_codes(kasi)
    plain_seed = seed_of(kasi)
    # As allauth wrote them before: in clear.
    Authenticator.objects.filter(user=kasi, type=Authenticator.Type.TOTP).update(
        data={"secret": DEMO_TOTP_SECRET}
    )
    Authenticator.objects.filter(user=kasi, type=Authenticator.Type.RECOVERY_CODES).update(
        data={"seed": plain_seed, "used_mask": 0}
    )
    assert DEMO_TOTP_SECRET in stored_rows()

    ENCRYPTION.encrypt_secrets(apps, None)

    assert DEMO_TOTP_SECRET not in stored_rows() and plain_seed not in stored_rows()
    assert recovery_codes(kasi) == codes
    assert a_code_works(kasi)
    before = stored_rows()
    ENCRYPTION.encrypt_secrets(apps, None)  # a second run changes nothing
    assert stored_rows() == before
    ENCRYPTION.decrypt_secrets(apps, None)  # and it can be undone
    assert DEMO_TOTP_SECRET in stored_rows()


@pytest.mark.django_db(transaction=True)
def test_a_backup_carries_only_ciphertext_and_restores_working_codes(
    office: Office, tmp_path: Path
) -> None:
    kabid = office["kabid"]
    codes, seed = recovery_codes(kabid), seed_of(kabid)
    archive = tmp_path / "warta.tar.gz"

    call_command("backup", str(archive), stdout=StringIO())

    with tarfile.open(archive) as tar:
        dump = tar.extractfile("db.jsonl").read().decode()  # type: ignore[union-attr]
    assert "WARTADEMO" not in dump and DEMO_TOTP_SECRET not in dump
    assert seed not in dump
    rows = [json.loads(line) for line in dump.splitlines()]
    stored = [r["fields"]["data"] for r in rows if r["model"] == "mfa.authenticator"]
    assert len(stored) == 6  # app and recovery codes of the Kabid, the Kasi and the admin
    assert all(str(d.get("secret", d.get("seed"))).startswith(mfa_secrets.PREFIX) for d in stored)

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=StringIO())

    restored = User.objects.get(username="kabid")
    assert recovery_codes(restored) == codes
    assert a_code_works(restored)


def test_rotating_the_keys_re_encrypts_the_two_step_secrets(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = keyring.keys()[0]
    kasi = office["kasi"]
    codes, before = recovery_codes(kasi), stored_rows()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv(keyring.ENV, f"{new},{old}")
    out = StringIO()

    call_command("rotate_secret_keys", stdout=out)

    assert "Re-encrypted the two-step secrets of 6 authenticator(s)." in out.getvalue()
    assert stored_rows() != before
    monkeypatch.setenv(keyring.ENV, new)  # the old key is gone now
    assert recovery_codes(kasi) == codes
    assert a_code_works(kasi)


def test_the_new_key_option_re_encrypts_them_before_dropping_the_old_key(
    db: None, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    monkeypatch.delenv(keyring.ENV, raising=False)
    settings.VAR_DIR = tmp_path
    from accounts.mfa import enrol_totp

    kabid = User.objects.create_user("kabid", password="x", role="kabid")
    enrol_totp(kabid, DEMO_TOTP_SECRET)
    first_key = keyring.keys()

    call_command("rotate_secret_keys", "--new-key", stdout=StringIO())

    assert keyring.keys() != first_key and len(keyring.keys()) == 1
    assert a_code_works(kabid)


def test_a_secret_no_key_opens_stops_the_rotation_and_changes_nothing(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored_rows()
    monkeypatch.setenv(keyring.ENV, Fernet.generate_key().decode())  # the ring lost its key

    with pytest.raises(CommandError, match="no key of the ring decrypts a two-step secret"):
        call_command("rotate_secret_keys", stdout=StringIO())

    assert stored_rows() == before
