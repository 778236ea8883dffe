"""Step 7 at phone width against the fake platforms (channels.fakes on a free local port).

An operator posts one verified item to the website, Facebook, Instagram, X and WordPress from
the item page and sees five links; a failed channel (Facebook error 190) shows the sentence
saying what to do, and "Coba lagi" and "Catat tautan" both close their channel; the same
posting over the API (real HTTP to the live server) shows five publications with permalinks.

Jobs run inline (the root conftest sets Huey ``immediate``): the "post" request itself delivers
every channel over real HTTP to the fakes, as the worker would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from accounts.models import ApiToken, User
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import connect_accounts, ready_item
from e2e.test_happy_path import open_task, press_primary, sign_in

pytestmark = [pytest.mark.e2e]

ALL = ["website", "facebook", "instagram", "x", "wordpress"]
TITLE = "Pasar Murah Ramadan di Bandar Lampung"


@pytest.fixture
def platforms(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatforms]:
    """The fake Facebook, Instagram, X and WordPress on a free port, reachable by Warta."""
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    settings.WARTA_INSTAGRAM_POLL_SECONDS = 0.0
    monkeypatch.setenv("WARTA_SECRETS_KEYS", Fernet.generate_key().decode())
    fake = FakePlatforms().start()
    yield fake
    fake.stop()


@pytest.fixture
def accounts(platforms: FakePlatforms, transactional_db: None) -> dict[str, ChannelAccount]:
    return connect_accounts(platforms)


def channel_row(page: Any, label: str) -> Any:
    """The item page's line for one channel in the "Kanal" section."""
    return page.locator("#kanal > ul > li").filter(has_text=label)


def assert_fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_operator_posts_to_five_channels_and_sees_five_links(
    transactional_db: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
    platforms: FakePlatforms,
    accounts: dict[str, ChannelAccount],
    phone: Any,
    screenshot: Any,
    console_errors: list[str],
) -> None:
    item = ready_item(office, assignment_data, ALL, title=TITLE, images=1)
    operator = phone()
    sign_in(operator, "operator1")
    open_task(operator, TITLE)
    boxes = operator.locator("#form-post input[name=channels]")
    expect(boxes).to_have_count(5)
    for n in range(5):
        expect(boxes.nth(n)).to_be_checked()
    when = operator.get_by_label("Posting pada (WIB, opsional)")
    expect(when).to_have_value("")
    # The button says what it will do (static/channels/post-time.js).
    when.fill("2030-01-01T09:00")
    expect(operator.locator(".action-bar button[form=form-post]")).to_have_text("Jadwalkan posting")
    when.fill("")
    expect(operator.locator(".action-bar button[form=form-post]")).to_have_text("Posting sekarang")
    screenshot(operator, "20-posting-five-channels")
    press_primary(operator, "Posting sekarang")
    # The remote channels are delivered once the action commits (here inline, by the request).
    expect(operator.get_by_text("Posting dimulai; kanal sedang diperbarui.")).to_be_visible()
    expect(operator.get_by_text("Selesai", exact=True)).to_be_visible()

    rows = {p.channel: p for p in Publication.objects.filter(item=item)}
    assert {k: p.state for k, p in rows.items()} == dict.fromkeys(ALL, "posted")
    links = operator.locator("#kanal > ul > li a[href^='http']")
    expect(links).to_have_count(5)
    shown = {links.nth(n).get_attribute("href") for n in range(5)}
    assert shown == {p.permalink for p in rows.values()}
    assert rows["website"].permalink.endswith(f"/berita/{item.slug}/")
    assert rows["facebook"].permalink.startswith("https://www.facebook.com/")
    assert rows["instagram"].permalink.startswith("https://www.instagram.com/p/")
    assert rows["x"].permalink.startswith("https://x.com/i/web/status/")
    assert rows["wordpress"].permalink.startswith(platforms.url)
    # Exactly one post at each platform.
    assert {p: len(posts) for p, posts in platforms.posts.items()} == {
        "facebook": 1, "instagram": 1, "x": 1, "wordpress": 1
    }  # fmt: skip
    screenshot(operator, "21-posted-five-links")
    assert_fits_the_phone(operator)
    assert console_errors == []


def test_a_failed_channel_says_what_to_do_and_retry_and_manual_link_close_it(
    transactional_db: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
    platforms: FakePlatforms,
    accounts: dict[str, ChannelAccount],
    phone: Any,
    screenshot: Any,
    console_errors: list[str],
) -> None:
    item = ready_item(office, assignment_data, ["website", "facebook", "x"], title=TITLE)
    page_token = platforms.tokens["facebook"]
    platforms.tokens["facebook"] = "revoked"  # Facebook answers error 190
    platforms.tokens["x"] = "revoked"  # X answers 401
    operator = phone()
    sign_in(operator, "operator1")
    open_task(operator, TITLE)
    press_primary(operator, "Posting sekarang")
    expect(operator.get_by_text("Posting dimulai; kanal sedang diperbarui.")).to_be_visible()

    facebook = channel_row(operator, "Halaman Facebook")
    expect(facebook).to_contain_text("gagal")
    expect(facebook).to_contain_text(
        "Token Facebook milik “Diskominfo facebook” kedaluwarsa atau dicabut: hubungkan ulang."
    )
    expect(channel_row(operator, "Website")).to_contain_text("/berita/")
    screenshot(operator, "22-posting-failed-channel")
    assert_fits_the_phone(operator)
    assert ChannelAccount.objects.get(kind="facebook").needs_reconnect

    # The administrator reconnects the Page; the operator presses "Coba lagi".
    platforms.tokens["facebook"] = page_token
    facebook.get_by_role("button", name="Coba lagi").click()
    expect(operator.get_by_text("Posting ke Halaman Facebook sedang dicoba lagi.")).to_be_visible()
    facebook = channel_row(operator, "Halaman Facebook")
    expect(facebook.locator("a[href^='https://www.facebook.com/']")).to_have_count(1)
    assert len(platforms.posts["facebook"]) == 1

    # X stays down: the operator posted by hand and records the link.
    x = channel_row(operator, "X")
    x.get_by_text("Diposting manual? Catat tautannya").click()
    x.get_by_label("Alamat unggahan").fill("https://x.com/diskominfo_lpg/status/1234567890")
    x.get_by_role("button", name="Catat tautan").click()
    x = channel_row(operator, "X")
    expect(x.locator("a[href='https://x.com/diskominfo_lpg/status/1234567890']")).to_have_count(1)
    expect(operator.get_by_text("Selesai", exact=True)).to_be_visible()
    screenshot(operator, "23-retry-and-manual-link")
    states = dict(Publication.objects.filter(item=item).values_list("channel", "state"))
    assert states == {"website": "posted", "facebook": "posted", "x": "posted"}
    assert item.step_runs.get(action="post").outcome == "posted"
    assert console_errors == []


def test_the_same_over_the_api_shows_five_publications_with_permalinks(
    transactional_db: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
    platforms: FakePlatforms,
    accounts: dict[str, ChannelAccount],
    live_server: Any,
) -> None:
    item = ready_item(office, assignment_data, ALL, title=TITLE, images=1)
    token = ApiToken.objects.issue(office["operator1"])
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    with httpx.Client(base_url=f"{live_server.url}/api/v1", headers=headers, timeout=30) as api:
        posted = api.post(f"/items/{item.code}/actions/post", json={})
        assert posted.status_code == 200, posted.text
        detail = api.get(f"/items/{item.code}").json()
    publications = {p["channel"]: p for p in detail["publications"]}
    assert sorted(publications) == sorted(ALL)
    for kind, publication in publications.items():
        assert publication["state"] == "posted", (kind, publication)
        assert publication["permalink"].startswith("http"), (kind, publication)
        assert publication["last_error"] == "", (kind, publication)
    assert sorted(detail["links"]) == sorted(p["permalink"] for p in publications.values())
    assert {p: len(posts) for p, posts in platforms.posts.items()} == {
        "facebook": 1, "instagram": 1, "x": 1, "wordpress": 1
    }  # fmt: skip


def test_an_administrator_connects_x_by_signing_in_at_the_platform(
    transactional_db: None,
    office: dict[str, User],
    platforms: FakePlatforms,
    phone: Any,
    live_server: Any,
    screenshot: Any,
) -> None:
    """The whole OAuth 2.0 PKCE walk in a browser: Warta → the fake's authorize page (which
    allows at once) → back to Warta with code and state → tokens stored."""
    from django.test import Client

    admin = office["admin"]
    admin.is_staff = True
    admin.save()
    x = ChannelAccount(
        kind="x",
        name="Diskominfo X",
        config={"client_id": platforms.client_id, "api_base": platforms.url,
                "auth_base": platforms.url},
    )  # fmt: skip
    x.save()
    # The admin's session (a Kabid, Kasi or admin signs in with a second factor; that walk has
    # its own tests).
    client = Client()
    client.force_login(admin)
    page = phone()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/admin/channels/channelaccount/{x.pk}/change/")
    page.get_by_role("link", name="Sambungkan dengan X").click()
    expect(page.get_by_text("Diskominfo X tersambung; token disimpan terenkripsi.")).to_be_visible()
    expect(page.get_by_text("@diskominfo_lpg", exact=False)).to_be_visible()
    screenshot(page, "24-admin-connected-x")
    x.refresh_from_db()
    assert x.secret("access_token") == platforms.tokens["x"]
    assert x.secret("refresh_token") == platforms.x_refresh_token
    assert platforms.authorize_requests[-1]["code_challenge_method"] == "S256"
