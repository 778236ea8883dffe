"""``/channels``: administrators set up the accounts Warta posts to; secrets never come back."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from api.tests.conftest import API, ApiClient
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount
from newsroom.models import AuditEntry

pytestmark = pytest.mark.django_db

FACEBOOK = {
    "kind": "facebook",
    "name": "Diskominfo Lampung",
    "config": {"page_id": "1001"},
    "secrets": {"page_access_token": "EAAB-secret-token-9876"},
}


@pytest.fixture(autouse=True)
def _secrets_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())


def _send(client: Client, method: str, path: str, token: str, data: Any = None) -> Any:
    return getattr(client, method)(
        f"{API}{path}",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )


def test_it_adds_an_account_and_shows_the_secret_masked(api: ApiClient) -> None:
    response = api.post("/channels", FACEBOOK, as_user="admin")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secrets"] == {"page_access_token": "••••9876"}
    assert "secret-token" not in str(api.get("/channels", as_user="admin").json())
    account = ChannelAccount.objects.get()
    assert account.secret("page_access_token") == "EAAB-secret-token-9876"
    entry = AuditEntry.objects.get(action="channel_account_added")
    assert entry.data["secrets_changed"] == ["page_access_token"]
    assert "secret-token" not in str(entry.data)


def test_only_administrators_may_see_or_change_channels(api: ApiClient) -> None:
    assert api.get("/channels", as_user="operator1").status_code == 403
    assert api.post("/channels", FACEBOOK, as_user="kabid").status_code == 403
    assert api.get("/channels").status_code == 401
    assert ChannelAccount.objects.count() == 0


def test_unknown_settings_and_kinds_are_refused_with_the_field(api: ApiClient) -> None:
    bad = {**FACEBOOK, "config": {"page_id": "1", "password": "x"}}
    response = api.post("/channels", bad, as_user="admin")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]["config"]
    response = api.post("/channels", {**FACEBOOK, "kind": "website"}, as_user="admin")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_patch_changes_the_name_keeps_secrets_and_delete_removes_it(
    api: ApiClient, client: Client, tokens: dict[str, str]
) -> None:
    account_id = api.post("/channels", FACEBOOK, as_user="admin").json()["id"]
    response = _send(
        client, "patch", f"/channels/{account_id}", tokens["admin"], {"name": "Halaman Baru"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Halaman Baru"
    assert ChannelAccount.objects.get().secret("page_access_token").endswith("9876")
    assert _send(client, "delete", f"/channels/{account_id}", tokens["admin"]).status_code == 204
    assert _send(client, "delete", f"/channels/{account_id}", tokens["admin"]).status_code == 404


def test_test_connection_answers_in_plain_words(api: ApiClient, settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    fake = FakePlatforms().start()
    try:
        body = {**FACEBOOK, "config": {"page_id": fake.page_id, "api_base": fake.url},
                "secrets": {"page_access_token": fake.tokens["facebook"]}}  # fmt: skip
        account_id = api.post("/channels", body, as_user="admin").json()["id"]
        answer = api.post(f"/channels/{account_id}/test", as_user="admin").json()
        assert answer["ok"] and "Diskominfo Provinsi Lampung" in answer["message"]
        fake.tokens["facebook"] = "revoked"
        answer = api.post(f"/channels/{account_id}/test", as_user="admin").json()
        assert not answer["ok"] and "reconnect" in answer["message"]
        assert ChannelAccount.objects.get().needs_reconnect
    finally:
        fake.stop()


@pytest.mark.parametrize(
    "config",
    [
        {"site_url": "http://127.0.0.1:8000/", "username": "editor"},
        {"site_url": "http://localhost/", "username": "editor"},
        {"site_url": "https://situs.example.go.id", "api_base": "http://169.254.169.254/"},
        {"site_url": "http://[::ffff:10.0.0.5]/", "username": "editor"},
    ],
)
def test_an_address_inside_the_office_network_is_refused_when_saved(
    api: ApiClient, settings: Any, config: dict[str, str]
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    body = {"kind": "wordpress", "name": "Situs Dinas", "config": config,
            "secrets": {"application_password": "abcd efgh"}}  # fmt: skip

    response = api.post("/channels", body, as_user="admin", headers={"Accept-Language": "id"})

    assert response.status_code == 400
    assert "mengarah ke jaringan internal" in response.json()["errors"]["config"]
    assert ChannelAccount.objects.count() == 0


def test_a_name_that_resolves_inside_the_office_network_is_refused_when_saved(
    api: ApiClient, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    settings.WARTA_ALLOW_PRIVATE_URLS = False
    answers = {"wp.kantor.test": "10.0.0.5", "wp.publik.test": "93.184.215.14"}

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    body = {"kind": "wordpress", "name": "Situs", "secrets": {"application_password": "x y"}}
    refused = api.post("/channels", {**body, "config": {"site_url": "https://wp.kantor.test"}},
                       as_user="admin")  # fmt: skip
    assert refused.status_code == 400
    assert "wp.kantor.test" in refused.json()["errors"]["config"]
    for site in ("https://wp.publik.test", "https://not-yet-in-dns.test"):
        saved = api.post("/channels", {**body, "config": {"site_url": site}}, as_user="admin")
        assert saved.status_code == 201, saved.json()
    assert ChannelAccount.objects.count() == 2
