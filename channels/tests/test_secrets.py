"""Channel secrets: encrypted at rest, masked when shown, re-encrypted on key rotation."""

from __future__ import annotations

import stat
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from channels import secrets
from channels.models import ChannelAccount

pytestmark = pytest.mark.django_db


def _account() -> ChannelAccount:
    account = ChannelAccount(kind="facebook", name="Halaman", config={"page_id": "1"})
    account.set_secrets({"page_access_token": "EAAB-very-secret-token-1234"})
    account.save()
    return account


def test_secrets_are_stored_encrypted_and_shown_masked() -> None:
    account = _account()
    stored = ChannelAccount.objects.values_list("secrets_encrypted", flat=True).get()
    assert "very-secret" not in stored
    assert ChannelAccount.objects.get().secret("page_access_token") == (
        "EAAB-very-secret-token-1234"
    )
    assert account.masked_secrets() == {"page_access_token": "••••1234"}


def test_rotation_with_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    old = secrets.keys()[0]
    _account()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv(secrets.ENV, f"{new},{old}")
    call_command("rotate_secret_keys")
    monkeypatch.setenv(secrets.ENV, new)  # the old key is gone now
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("1234")


@pytest.fixture
def key_file(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> None:
    """The embedded default: keys in VAR_DIR/secrets_keys, not in the environment."""
    monkeypatch.delenv(secrets.ENV)
    settings.VAR_DIR = tmp_path


def test_the_embedded_key_file_is_owner_only_and_rotates(key_file: None) -> None:
    _account()
    path = secrets.key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    call_command("rotate_secret_keys", "--new-key")
    assert path.read_text() != before and len(secrets.keys()) == 1
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("1234")


def _whatsapp_settings() -> None:
    from notify import crypto
    from notify.models import WhatsAppConfig

    WhatsAppConfig.objects.create(
        pk=1,
        phone_number_id="1234567890",
        token_encrypted=crypto.encrypt("EAAG-whatsapp-token"),
        app_secret_encrypted=crypto.encrypt("app-secret-5678"),
        verify_token_encrypted=crypto.encrypt("verify-me"),
    )


def _whatsapp_secrets() -> tuple[str, str, str]:
    from notify.whatsapp import config

    current = config.current()
    return current.token, current.app_secret, current.verify_token


def test_a_new_key_re_encrypts_every_secret_of_the_key_ring(key_file: None) -> None:
    _account()
    _whatsapp_settings()
    old_keys = secrets.keys()

    out = StringIO()
    call_command("rotate_secret_keys", "--new-key", stdout=out)

    assert len(secrets.keys()) == 1 and secrets.keys()[0] not in old_keys
    # Everything opens with the new key alone: the WhatsApp secrets as well as the channels'.
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("1234")
    assert _whatsapp_secrets() == ("EAAG-whatsapp-token", "app-secret-5678", "verify-me")
    assert "Re-encrypted the secrets of 1 channel account(s)." in out.getvalue()
    assert "verify token (1 settings row(s))." in out.getvalue()


def test_a_secret_no_key_opens_stops_the_rotation_and_keeps_the_old_keys(key_file: None) -> None:
    from notify.models import WhatsAppConfig

    _account()
    sealed_before = ChannelAccount.objects.get().secrets_encrypted
    foreign = Fernet(Fernet.generate_key()).encrypt(b"lost").decode()
    WhatsAppConfig.objects.create(pk=1, token_encrypted=foreign)

    with pytest.raises(CommandError, match="WhatsApp settings"):
        call_command("rotate_secret_keys", "--new-key")

    assert len(secrets.keys()) == 2  # the new key was added, the old one not dropped
    assert ChannelAccount.objects.get().secrets_encrypted == sealed_before  # rolled back
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("1234")


def test_every_encrypted_column_has_a_re_encryptor() -> None:
    from django.apps import apps

    from channels.management.commands.rotate_secret_keys import REENCRYPTORS, SealedColumns

    covered = {
        (r.run.model, column)
        for r in REENCRYPTORS
        if isinstance(r.run, SealedColumns)
        for column in r.run.columns
    }
    encrypted = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.name.endswith("_encrypted")
    }
    assert encrypted <= covered
    assert {("notify.WhatsAppConfig", "token_encrypted")} <= covered


def test_a_lost_key_is_an_error_not_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    _account()
    monkeypatch.setenv(secrets.ENV, Fernet.generate_key().decode())
    with pytest.raises(secrets.SecretsUnreadable):
        _ = ChannelAccount.objects.get().secrets
    assert ChannelAccount.objects.get().masked_secrets() == {}


def test_the_system_check_warns_when_instagram_cannot_reach_site_url(settings: Any) -> None:
    from channels.checks import instagram_needs_a_public_site_url

    settings.SITE_URL = "http://127.0.0.1:8000"
    assert instagram_needs_a_public_site_url(None) == []  # no Instagram account: no warning
    ChannelAccount.objects.create(kind="instagram", name="IG", config={"ig_user_id": "1"})
    [warning] = instagram_needs_a_public_site_url(None)
    assert warning.id == "channels.W001"
    settings.SITE_URL = "https://diskominfo.lampungprov.go.id"
    assert instagram_needs_a_public_site_url(None) == []
