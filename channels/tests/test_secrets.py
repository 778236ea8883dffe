"""Channel secrets: encrypted at rest, masked when shown, re-encrypted on key rotation."""

from __future__ import annotations

import stat
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

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


def test_the_embedded_key_file_is_owner_only_and_rotates(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any
) -> None:
    monkeypatch.delenv(secrets.ENV)
    settings.VAR_DIR = tmp_path
    _account()
    path = secrets.key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    call_command("rotate_secret_keys", "--new-key")
    assert path.read_text() != before and len(secrets.keys()) == 1
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("1234")


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
