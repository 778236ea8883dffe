"""Connecting accounts by signing in (OAuth), over real HTTP to the fake platforms.

The test client plays the admin's browser on Warta's side; the fake's authorize page is fetched
with httpx and "allows" at once, redirecting back with the code and the state.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client

from accounts.models import User
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount
from channels.x.connector import XChannel
from newsroom.models import AuditEntry

pytestmark = pytest.mark.django_db
ADMIN = "/admin/channels/channelaccount"


def account(fake: FakePlatforms, kind: str, **config: str) -> ChannelAccount:
    """An account with only the app's credentials and the fake's addresses: no tokens yet."""
    created = ChannelAccount(
        kind=kind,
        name=f"Diskominfo {kind}",
        config={"client_id": fake.client_id, "api_base": fake.url, "auth_base": fake.url, **config},
    )
    created.set_secrets({"client_secret": fake.client_secret})
    created.save()
    return created


def to_platform(client: Client, target: ChannelAccount) -> httpx.Response:
    """Press "Connect": Warta redirects to the platform, whose page answers (allow or deny)."""
    start = client.get(f"{ADMIN}/{target.pk}/sambungkan/")
    assert start.status_code == 302, start.content.decode()[:500]
    answer = httpx.get(start["Location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer


def back_to_warta(client: Client, answer: httpx.Response) -> Any:
    back = urlsplit(answer.headers["location"])
    assert back.path == f"{ADMIN}/oauth/kembali/"
    return client.get(f"{back.path}?{back.query}", follow=True)


def page_text(response: Any) -> str:
    return str(response.content.decode())


def test_x_connects_with_pkce_and_stores_both_tokens_encrypted(
    admin_client: Client, fake: FakePlatforms
) -> None:
    x = account(fake, "x")
    answer = to_platform(admin_client, x)
    asked = fake.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert set(asked["scope"].split()) == {
        "tweet.read", "tweet.write", "users.read", "offline.access", "media.write"
    }  # fmt: skip
    response = back_to_warta(admin_client, answer)
    text = page_text(response)
    assert "tersambung" in text and "@diskominfo_lpg" in text
    x.refresh_from_db()
    assert x.secret("access_token") == fake.tokens["x"]
    assert x.secret("refresh_token") == fake.x_refresh_token
    assert fake.tokens["x"] not in x.secrets_encrypted  # encrypted at rest
    exchange = next(r for r in fake.received if r.form.get("grant_type") == "authorization_code")
    digest = hashlib.sha256(exchange.form["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    assert x.needs_reconnect is False
    assert AuditEntry.objects.filter(action="channel_account_connected").count() == 1


def test_the_connected_x_account_refreshes_and_stores_the_rotated_pair(
    admin_client: Client, fake: FakePlatforms
) -> None:
    x = account(fake, "x")
    back_to_warta(admin_client, to_platform(admin_client, x))
    x.refresh_from_db()
    first_refresh = x.secret("refresh_token")
    fake.tokens["x"] = "expired-in-the-meantime-token"  # the 2-hour access token expired
    fake.x_refresh_token = first_refresh
    XChannel().test_connection(x)
    x.refresh_from_db()
    assert x.secret("access_token") == fake.tokens["x"] != "expired-in-the-meantime-token"
    assert x.secret("refresh_token") == fake.x_refresh_token != first_refresh


def test_a_denied_consent_stores_nothing_and_says_so_in_indonesian(
    admin_client: Client, fake: FakePlatforms
) -> None:
    x = account(fake, "x")
    fake.oauth_deny = True
    answer = to_platform(admin_client, x)
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["access_denied"]
    text = page_text(back_to_warta(admin_client, answer))
    assert "Izin tidak diberikan di X" in text and "tidak ada yang diubah" in text
    x.refresh_from_db()
    assert x.secret("access_token") == ""
    assert not [r for r in fake.received if r.path == "/2/oauth2/token"]


def test_a_wrong_or_replayed_state_stores_nothing(
    admin_client: Client, fake: FakePlatforms
) -> None:
    x = account(fake, "x")
    answer = to_platform(admin_client, x)
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    forged = admin_client.get(
        f"{ADMIN}/oauth/kembali/", {"code": query["code"][0], "state": "forged"}, follow=True
    )
    assert "tidak dikenal atau sudah kedaluwarsa" in page_text(forged)
    assert not [r for r in fake.received if r.path == "/2/oauth2/token"]
    x.refresh_from_db()
    assert x.secret("access_token") == ""
    # The real answer still works once; the same answer again is refused.
    assert "tersambung" in page_text(back_to_warta(admin_client, answer))
    x.refresh_from_db()
    token = x.secret("access_token")
    again = back_to_warta(admin_client, answer)
    assert "tidak dikenal atau sudah kedaluwarsa" in page_text(again)
    x.refresh_from_db()
    assert x.secret("access_token") == token


def test_a_state_started_by_another_admin_session_is_refused(
    admin_client: Client, fake: FakePlatforms, office: dict[str, User]
) -> None:
    x = account(fake, "x")
    answer = to_platform(admin_client, x)
    other = Client()
    other.force_login(office["admin"])  # a different session (another browser)
    text = page_text(back_to_warta(other, answer))
    assert "tidak dikenal atau sudah kedaluwarsa" in text
    x.refresh_from_db()
    assert x.secret("access_token") == ""


def test_facebook_login_lists_the_pages_and_stores_the_chosen_page_token(
    admin_client: Client, fake: FakePlatforms
) -> None:
    facebook = account(fake, "facebook")
    answer = to_platform(admin_client, facebook)
    assert set(fake.authorize_requests[-1]["scope"].split(",")) >= {
        "pages_manage_posts", "pages_show_list"
    }  # fmt: skip
    pick = back_to_warta(admin_client, answer)
    text = page_text(pick)
    assert "Diskominfo Provinsi Lampung" in text and "Dinas Pariwisata" in text
    assert fake.tokens["facebook"] not in text  # Page tokens are never shown
    facebook.refresh_from_db()
    assert facebook.secret("page_access_token") == ""  # nothing stored before the choice
    exchanges = [r for r in fake.received if r.path.endswith("/oauth/access_token")]
    assert [r.query.get("grant_type", "code") for r in exchanges] == ["code", "fb_exchange_token"]
    bogus = admin_client.post(f"{ADMIN}/{facebook.pk}/pilih-halaman/", {"page": "999"})
    assert bogus.status_code == 400
    done = admin_client.post(
        f"{ADMIN}/{facebook.pk}/pilih-halaman/", {"page": fake.page_id}, follow=True
    )
    assert "tersambung" in page_text(done)
    facebook.refresh_from_db()
    assert facebook.setting("page_id") == fake.page_id
    assert facebook.secret("page_access_token") == fake.tokens["facebook"]
    assert facebook.setting("client_id") == fake.client_id  # other settings kept
    # The choice is used once: the list is gone from the session.
    gone = admin_client.get(f"{ADMIN}/{facebook.pk}/pilih-halaman/", follow=True)
    assert "tidak dikenal atau sudah kedaluwarsa" in page_text(gone)


def test_instagram_with_facebook_login_offers_only_pages_with_an_instagram_account(
    admin_client: Client, fake: FakePlatforms
) -> None:
    instagram = account(fake, "instagram", flavour="facebook")
    pick = back_to_warta(admin_client, to_platform(admin_client, instagram))
    text = page_text(pick)
    assert fake.ig_user_id in text and "Dinas Pariwisata" not in text
    done = admin_client.post(
        f"{ADMIN}/{instagram.pk}/pilih-halaman/", {"page": fake.page_id}, follow=True
    )
    assert "@diskominfo.lampung" in page_text(done)
    instagram.refresh_from_db()
    assert instagram.setting("ig_user_id") == fake.ig_user_id
    assert instagram.secret("access_token") == fake.tokens["facebook"]


def test_instagram_login_stores_the_long_lived_token_and_user_id(
    admin_client: Client, fake: FakePlatforms
) -> None:
    instagram = account(fake, "instagram", flavour="instagram")
    text = page_text(back_to_warta(admin_client, to_platform(admin_client, instagram)))
    assert "@diskominfo.lampung" in text
    instagram.refresh_from_db()
    assert instagram.setting("ig_user_id") == fake.ig_user_id
    assert instagram.secret("access_token") == fake.tokens["instagram"]
    assert instagram.setting("flavour") == "instagram"


def test_a_refused_code_exchange_stores_nothing(admin_client: Client, fake: FakePlatforms) -> None:
    facebook = account(fake, "facebook")
    facebook.set_secrets({"client_secret": "wrong-secret"})
    facebook.save()
    text = page_text(back_to_warta(admin_client, to_platform(admin_client, facebook)))
    assert "Facebook" in text and "tidak ada yang diubah" in text
    facebook.refresh_from_db()
    assert facebook.secret("page_access_token") == ""


def test_the_change_page_offers_to_connect_only_when_the_app_id_is_set(
    admin_client: Client, fake: FakePlatforms
) -> None:
    x = account(fake, "x")
    page = page_text(admin_client.get(f"{ADMIN}/{x.pk}/change/"))
    assert f"{ADMIN}/{x.pk}/sambungkan/" in page
    x.config = {"api_base": fake.url}
    x.save()
    page = page_text(admin_client.get(f"{ADMIN}/{x.pk}/change/"))
    assert f"{ADMIN}/{x.pk}/sambungkan/" not in page
    refused = admin_client.get(f"{ADMIN}/{x.pk}/sambungkan/")
    assert refused.status_code == 302 and "oauth2" not in refused["Location"]


def test_an_operator_cannot_start_a_connection(
    client: Client, office: dict[str, User], fake: FakePlatforms
) -> None:
    operator = office["operator1"]
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    x = account(fake, "x")
    response = client.get(f"{ADMIN}/{x.pk}/sambungkan/")
    # Refused (403), or sent to set up two-factor sign-in first: never to the platform.
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith(fake.url)
    assert fake.authorize_requests == []
