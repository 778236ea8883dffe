"""Contract test against a real WordPress (Debian's ``wordpress`` package, MariaDB, PHP).

Posting, correcting, retracting and failing over end with exactly one post per item on the real
site, titles shown as the words they are, photos attached and gone with their post, the old
version gone after a correction, and one post after WordPress dies between saving the post and
answering. See ``real_site`` for how the site runs; docs/channels.md for how to run this.
"""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from accounts.models import User
from channels import actions, outbox
from channels.base import ChannelError
from channels.models import ChannelAccount
from channels.tests.helpers import correct, deliver_until_settled, post, ready_item
from channels.wordpress import answers
from channels.wordpress.connector import WordPressChannel
from channels.wordpress.tests.real_site import Site
from newsroom.models import Category

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def _public(url: str) -> httpx.Response:
    """What an anonymous reader gets at ``url`` (no redirects followed)."""
    return httpx.get(url, timeout=30)


def _published(site: Site) -> list[dict[str, Any]]:
    return [p for p in site.posts() if p["status"] == "publish"]


def test_it_posts_one_post_per_item_with_escaped_titles_photos_and_terms(
    office: Office, assignment_data: dict[str, Any], wordpress: Site,
    site_account: ChannelAccount, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    Category.objects.create(name="Ekonomi", slug="ekonomi")
    data = {**assignment_data, "category": "ekonomi", "tags": ["UMKM", "Pasar Rakyat"]}
    titles = ["Uji <img src=x onerror=alert(1)>", "Program <Lampung Berjaya> Diluncurkan"]
    rows = {}
    for title in titles:
        item = ready_item(office, data, ["wordpress"], title=title, images=1)
        [rows[title]] = post(office, item, django_capture_on_commit_callbacks)
    posts = _published(wordpress)
    assert len(posts) == len(wordpress.posts()) == 2  # one post per item, no leftover draft
    for title, row in rows.items():
        assert row.state == "posted", row.last_error
        [wp] = [p for p in posts if str(p["id"]) == row.external_id]
        assert wp["slug"].endswith(row.marker)
        rendered = _public(f"{wordpress.url}/wp-json/wp/v2/posts/{wp['id']}").json()["title"]
        assert "<" not in rendered["rendered"]  # no element: the title is text
        assert html.unescape(rendered["rendered"]) == title  # and keeps every word
        page = _public(row.permalink)
        assert page.status_code == 200 and "onerror=alert(1)>" not in page.text
        assert (wp["categories"], sorted(wp["tags"])) == (["Ekonomi"], ["Pasar Rakyat", "UMKM"])
        [photo] = [m for m in wordpress.photos() if m["parent"] == wp["id"]]
        assert wp["featured_media"] == photo["id"]
        assert html.unescape(photo["title"]) == title
        assert (photo["excerpt"], photo["alt"]) == ("Foto 0", "Foto 0")
        assert photo["file_exists"] and _public(photo["url"]).status_code == 200


def test_a_correction_updates_the_post_in_place_and_the_old_version_is_gone(
    office: Office, assignment_data: dict[str, Any], wordpress: Site,
    site_account: ChannelAccount, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(
        office, assignment_data, ["wordpress"], title="Jembatan 120 m", images=1,
        body="<p>Panjang jembatan 120 m.</p>",
    )  # fmt: skip
    [old] = post(office, item, django_capture_on_commit_callbacks)
    [old_photo] = wordpress.photos()
    [new] = correct(
        office, item, django_capture_on_commit_callbacks, title="Jembatan 125 m",
        body="<p>Panjang jembatan 125 m.</p>", images=1, keep_images=False,
    )  # fmt: skip
    assert new.state == "posted", new.last_error
    [wp] = wordpress.posts()  # still one post: the same one, updated
    assert (str(wp["id"]), wp["status"]) == (old.external_id, "publish")
    assert (new.external_id, new.permalink) == (old.external_id, old.permalink)
    assert "125 m" in wp["title"] + wp["content"] and "120 m" not in wp["title"] + wp["content"]
    page = _public(new.permalink).text
    assert "125 m" in page and "120 m" not in page
    [photo] = wordpress.photos()  # the old photo deleted, the new one attached
    assert photo["id"] != old_photo["id"] and photo["parent"] == wp["id"]
    assert wp["featured_media"] == photo["id"]
    assert _public(old_photo["url"]).status_code == 404
    old.refresh_from_db()
    assert not old.online and new.online


def test_a_retraction_trashes_the_post_and_deletes_its_photos(
    office: Office, assignment_data: dict[str, Any], wordpress: Site,
    site_account: ChannelAccount, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress"], title="Data pribadi", images=2)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    photos = wordpress.photos()
    assert len(photos) == 2 and all(_public(p["url"]).status_code == 200 for p in photos)
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "personal_data")
    row.refresh_from_db()
    assert row.state == "retracted", row.last_error
    assert row.note == "The post is in the WordPress trash and its 2 photos were deleted."
    assert [p["status"] for p in wordpress.posts()] == ["trash"]
    assert _public(row.permalink).status_code == 404
    assert wordpress.photos() == []
    assert _public(f"{wordpress.url}/wp-json/wp/v2/media").json() == []
    assert all(_public(p["url"]).status_code == 404 for p in photos)


def test_plain_permalinks_are_found_from_the_link_header_even_after_a_switch(
    office: Office, assignment_data: dict[str, Any], wordpress: Site,
    site_account: ChannelAccount, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    said = WordPressChannel().test_connection(site_account)  # finds /wp-json/ and stores it
    assert f"{wordpress.url}/wp-json/" in said
    wordpress.permalinks("")  # the site's admin switches to "Plain" permalinks
    answer = httpx.post(
        f"{wordpress.url}/wp-json/wp/v2/posts", json={"title": "x"}, timeout=30,
        auth=("editor", wordpress.users["editor"]),
    )  # fmt: skip
    assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
    with pytest.raises(ChannelError) as odd:  # Warta at the stale root: never "posted"
        WordPressChannel()._request(
            site_account, "POST", "wp/v2/posts", answers.post, json={"title": "x"}
        )
    assert odd.value.unknown and "a web page" in odd.value.message
    assert "api_root" not in site_account.config  # to be looked for again
    item = ready_item(office, assignment_data, ["wordpress"], title="Harga Cabai", images=1)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    row = deliver_until_settled(row)
    [wp] = _published(wordpress)
    assert (row.state, row.external_id) == ("posted", str(wp["id"]))
    assert row.permalink == f"{wordpress.url}/?p={wp['id']}"
    assert _public(row.permalink).status_code == 200
    site_account.refresh_from_db()
    assert site_account.config["api_root"] == f"{wordpress.url}/index.php?rest_route=/"
    assert len(wordpress.posts()) == 1


def test_wordpress_dies_after_saving_stays_down_then_comes_back_with_one_post(
    office: Office, assignment_data: dict[str, Any], wordpress: Site,
    site_account: ChannelAccount, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress"], title="Pasar Murah", images=1)
    wordpress.die_after_saving_the_next_post()
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert wordpress.wait_until_down()  # it saved the post, then died before answering
    assert (row.state, row.external_id) == ("unknown", "")
    assert [p["status"] for p in wordpress.posts()] == ["publish"]
    row = outbox.deliver(row.pk, now=row.next_attempt_at)  # still down: the look-up fails
    assert row is not None and row.state == "unknown", row.last_error
    assert "could not check whether the post exists" in row.last_error
    wordpress.serve()  # back
    row = deliver_until_settled(row)
    [wp] = wordpress.posts()  # exactly one post, and it is the one Warta recorded
    assert (row.state, row.external_id, wp["status"]) == ("posted", str(wp["id"]), "publish")
    # Retracting what Warta recorded leaves nothing public.
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "other")
    assert _published(wordpress) == [] and wordpress.photos() == []


def test_the_connection_test_names_the_missing_right_and_a_bad_password(
    wordpress: Site, site_account: ChannelAccount
) -> None:
    assert "Editor Diskominfo" in WordPressChannel().test_connection(site_account)
    site_account.config = {**site_account.config, "username": "pelanggan"}
    site_account.set_secrets({"application_password": wordpress.users["pelanggan"]})
    with pytest.raises(ChannelError) as subscriber:
        WordPressChannel().test_connection(site_account)
    assert "publish_posts, upload_files" in subscriber.value.message
    site_account.set_secrets({"application_password": "salah salah salah salah"})
    with pytest.raises(ChannelError) as wrong:
        WordPressChannel().test_connection(site_account)
    assert "enter a new application password" in wrong.value.message and wrong.value.reconnect
