"""Fake platforms on localhost, and settings that let Warta reach them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.utils import translation

from accounts.models import User
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount
from channels.tests.helpers import connect_accounts


@pytest.fixture(autouse=True)
def _channel_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    settings.WARTA_HTTP_TIMEOUT = 0.5
    settings.WARTA_HTTP_CONNECT_TIMEOUT = 0.5
    settings.WARTA_INSTAGRAM_POLL_SECONDS = 0.0
    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Assertions read the English sentences (the Indonesian ones are the translator's)."""
    with translation.override("en"):
        yield


@pytest.fixture
def fake() -> Iterator[FakePlatforms]:
    platforms = FakePlatforms(hang_seconds=1.0).start()
    yield platforms
    platforms.stop()


@pytest.fixture
def accounts(fake: FakePlatforms, db: None) -> dict[str, ChannelAccount]:
    return connect_accounts(fake)


@pytest.fixture
def admin_client(client: Client, office: dict[str, User]) -> Client:
    """The test client signed in as the office's administrator (with admin-site access)."""
    admin = office["admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    return client
