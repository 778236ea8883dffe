"""The admin page for channel accounts: secrets are write-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from channels.models import ChannelAccount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_without_manifest(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_an_administrator_adds_an_account_and_never_sees_the_secret_again(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        "/admin/channels/channelaccount/add/",
        {
            "kind": "wordpress",
            "name": "Situs Dinas",
            "active": "on",
            "config_site_url": "https://dinas.example.go.id",
            "config_username": "editor",
            "secret_application_password": "abcd efgh ijkl mnop",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = ChannelAccount.objects.get()
    assert account.config == {"site_url": "https://dinas.example.go.id", "username": "editor"}
    assert account.secret("application_password") == "abcd efgh ijkl mnop"
    page = admin_client.get(f"/admin/channels/channelaccount/{account.pk}/change/")
    assert "abcd efgh" not in page.content.decode()
    assert "••••mnop" in page.content.decode()


def test_a_bad_site_address_is_shown_on_the_form(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/channels/channelaccount/add/",
        {"kind": "wordpress", "name": "Situs", "config_site_url": "ftp://x"},
    )
    assert response.status_code == 200
    assert ChannelAccount.objects.count() == 0


def test_an_operator_cannot_open_the_page(client: Client, office: dict[str, User]) -> None:
    operator = office["operator1"]
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    assert client.get("/admin/channels/channelaccount/").status_code == 403


def test_an_internal_site_address_is_refused_on_the_form(
    admin_client: Client, settings: Any
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    response = admin_client.post(
        "/admin/channels/channelaccount/add/",
        {"kind": "wordpress", "name": "Situs", "config_site_url": "http://192.168.1.10/"},
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 200
    assert "mengarah ke jaringan internal" in response.content.decode()
    assert ChannelAccount.objects.count() == 0
