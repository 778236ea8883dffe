"""The admin's WhatsApp settings override the environment; secrets are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from notify import crypto
from notify.admin import WhatsAppConfigForm
from notify.checks import whatsapp_settings
from notify.models import WhatsAppConfig
from notify.whatsapp import config

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from cryptography.fernet import Fernet

    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())
    yield


def test_the_admin_override_wins_and_the_token_is_not_stored_in_clear(settings: Any) -> None:
    settings.WHATSAPP_TOKEN = "from-env"
    settings.WHATSAPP_PHONE_NUMBER_ID = "111"
    settings.WHATSAPP_API_BASE = ""
    form = WhatsAppConfigForm(
        data={"api_base": "", "phone_number_id": "222", "token": "from-admin", "app_secret": "s"}
    )
    assert form.is_valid(), form.errors
    row = form.save(commit=False)
    row.pk = 1
    row.save()
    stored = WhatsAppConfig.objects.get(pk=1)
    assert "from-admin" not in stored.token_encrypted
    current = config.current()
    assert (current.token, current.phone_number_id, current.app_secret) == (
        "from-admin",
        "222",
        "s",
    )
    # Not overridden, and no WHATSAPP_API_BASE: the Graph API host the channels use.
    assert current.api_base == "https://graph.facebook.com"
    assert current.messages_url == "https://graph.facebook.com/v25.0/222/messages"


def test_an_empty_secret_field_keeps_the_stored_one() -> None:
    WhatsAppConfig.objects.create(pk=1, token_encrypted=crypto.encrypt("kept"))
    form = WhatsAppConfigForm(
        data={"api_base": "", "phone_number_id": "", "token": ""},
        instance=WhatsAppConfig.objects.get(pk=1),
    )
    assert form.is_valid()
    form.save()
    assert config.current().token == "kept"


def test_keys_rotate(monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.fernet import Fernet

    old = Fernet.generate_key().decode()
    monkeypatch.setenv("WARTA_SECRETS_KEYS", old)
    sealed = crypto.encrypt("geheim")
    monkeypatch.setenv("WARTA_SECRETS_KEYS", f"{Fernet.generate_key().decode()},{old}")
    assert crypto.decrypt(sealed) == "geheim"
    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(sealed)


def test_a_half_configured_whatsapp_is_warned_about(settings: Any) -> None:
    settings.WHATSAPP_TOKEN = "t"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1"
    settings.WHATSAPP_APP_SECRET = ""
    settings.WHATSAPP_VERIFY_TOKEN = "v"
    (warning,) = whatsapp_settings()
    assert "WHATSAPP_APP_SECRET" in warning.msg
    settings.WHATSAPP_TOKEN = ""
    assert whatsapp_settings() == []


@pytest.mark.parametrize("api_base", ["http://127.0.0.1:8899", "http://169.254.169.254/v25.0"])
def test_an_internal_api_address_is_refused_when_saved(settings: Any, api_base: str) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    form = WhatsAppConfigForm(data={"api_base": api_base, "phone_number_id": "1", "token": "t"})

    with translation.override("id"):
        assert not form.is_valid()
        assert "mengarah ke jaringan internal" in form.errors["api_base"][0]
    settings.WARTA_ALLOW_PRIVATE_URLS = True  # the fake WhatsApp for trials and tests
    assert WhatsAppConfigForm(data={"api_base": api_base, "phone_number_id": "1"}).is_valid()
