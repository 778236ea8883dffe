"""``manage.py doctor``: one line per check, OK or what is wrong, exit 1 when anything is."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from channels.fakes import FakePlatforms
from channels.models import ChannelAccount
from channels.tests.helpers import connect_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def healthy(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    settings.DEBUG = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    settings.WARTA_HTTP_TIMEOUT = 0.5
    settings.WARTA_HTTP_CONNECT_TIMEOUT = 0.5
    settings.VAR_DIR = tmp_path
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    settings.WHATSAPP_TOKEN = ""
    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())


@pytest.fixture
def fake() -> Iterator[FakePlatforms]:
    platforms = FakePlatforms(hang_seconds=1.0).start()
    yield platforms
    platforms.stop()


def doctor() -> tuple[bool, list[str]]:
    out = StringIO()
    try:
        call_command("doctor", stdout=out)
    except CommandError:
        return False, out.getvalue().splitlines()
    return True, out.getvalue().splitlines()


def line(lines: list[str], name: str) -> str:
    return next(entry for entry in lines if f"  {name}" in entry)


def test_a_healthy_warta_passes_every_check(healthy: None, fake: FakePlatforms) -> None:
    connect_accounts(fake)

    ok, lines = doctor()

    assert ok, "\n".join(lines)
    assert lines[-1] == "Everything checked is OK."
    for name in ("SECRET_KEY", "DEBUG", "database", "cache", "media storage", "job queue"):
        assert line(lines, name).startswith("OK")
    channel_lines = [entry for entry in lines if "channel " in entry]
    assert len(channel_lines) == 4
    assert all(entry.startswith("OK") for entry in channel_lines)
    assert f"({fake.page_id})" in line(lines, "channel facebook")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_it_says_what_is_wrong_and_fails(healthy: None, fake: FakePlatforms, settings: Any) -> None:
    accounts = connect_accounts(fake)
    gone = accounts["x"]
    gone.config = {"api_base": f"http://127.0.0.1:{closed_port()}"}
    gone.save()
    settings.DEBUG = True
    settings.SITE_URL = "http://warta.lampungprov.go.id"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234"
    settings.WHATSAPP_TOKEN = "token"
    settings.WHATSAPP_APP_SECRET = ""

    ok, lines = doctor()

    assert not ok
    assert line(lines, "DEBUG") == (
        "FAIL  DEBUG: DEBUG is on: it shows code and settings to anyone; unset DEBUG"
    )
    assert "public name without https" in line(lines, "SITE_URL")
    assert "does not contain warta.lampungprov.go.id" in line(lines, "ALLOWED_HOSTS")
    assert "missing: app secret" in line(lines, "WhatsApp")
    assert line(lines, "channel x").startswith("FAIL")
    assert "Admin → Channel accounts" in line(lines, "channel x")
    assert line(lines, "channel facebook").startswith("OK")
    assert line(lines, "database").startswith("OK")


def test_it_names_key_files_readable_by_others(healthy: None, settings: Any) -> None:
    key = settings.VAR_DIR / "secret_key"
    key.write_text("x" * 60)
    key.chmod(0o644)

    ok, lines = doctor()

    assert not ok
    assert f"chmod 600 {key}" in line(lines, "key files")


def test_an_inactive_channel_account_is_not_checked(healthy: None) -> None:
    ChannelAccount.objects.create(kind="x", name="lama", config={}, active=False)

    ok, lines = doctor()

    assert ok, "\n".join(lines)
    assert not [entry for entry in lines if "channel " in entry]
