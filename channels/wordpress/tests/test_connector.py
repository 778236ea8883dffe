"""Posts on an external WordPress site against the fake REST API."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.utils import translation

from accounts.models import User
from channels import actions, outbox
from channels.base import ChannelError
from channels.fakes import FakePlatforms
from channels.fakes.wordpress import shown
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import post, ready_item
from channels.wordpress.connector import WordPressChannel
from newsroom.models import Category

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def test_it_uploads_the_featured_image_then_publishes_the_post(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress"], title="Rapat Koordinasi", images=1)
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="wordpress")
    assert row.state == "posted"
    [wp_post] = fake.posts["wordpress"]
    assert (wp_post["title"], wp_post["content"], wp_post["status"]) == (
        "Rapat Koordinasi", "<p>Isi berita.</p>", "publish",
    )  # fmt: skip
    assert wp_post["slug"].endswith(row.marker)
    assert wp_post["featured_media"] and row.permalink == wp_post["link"]
    assert fake.uploads[f"wp:{wp_post['featured_media']}"]["alt_text"] == "Foto 0"


def test_a_dropped_answer_is_found_again_by_its_slug(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("drop", "wordpress", path_contains="/posts")
    item = ready_item(office, assignment_data, ["wordpress"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="wordpress")
    assert row.state == "unknown"
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    assert len(fake.posts["wordpress"]) == 1


def test_a_site_on_an_internal_address_is_refused(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    item = ready_item(office, assignment_data, ["wordpress"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="wordpress")
    assert row.state == "failed"
    assert "127.0.0.1" in row.last_error
    assert fake.received == []


def test_a_wrong_application_password_asks_for_a_new_one(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.wp_password = "changed"
    item = ready_item(office, assignment_data, ["wordpress"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="wordpress")
    assert row.state == "failed"
    assert "enter a new application password" in row.last_error
    assert "reconnect" not in row.last_error  # WordPress has no button to connect with
    account = ChannelAccount.objects.get(kind="wordpress")
    assert account.needs_reconnect and "enter a new application password" in account.status_message
    with translation.override("id"):
        ok, said = actions.test_account(office["admin"], account)
    assert not ok and "masukkan kata sandi aplikasi yang baru" in said


def test_test_connection_names_the_user_and_the_api_root_it_found(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    said = WordPressChannel().test_connection(accounts["wordpress"])
    assert "Editor Diskominfo" in said and f"{fake.url}/wp-json/" in said
    accounts["wordpress"].refresh_from_db()
    assert accounts["wordpress"].config["api_root"] == f"{fake.url}/wp-json/"


def test_test_connection_names_the_right_a_subscriber_lacks(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    account = accounts["wordpress"]
    account.config = {**account.config, "username": "pelanggan"}
    account.set_secrets({"application_password": fake.wp_users["pelanggan"][0]})
    account.save()
    with pytest.raises(ChannelError) as refused:
        WordPressChannel().test_connection(account)
    assert "publish_posts, upload_files" in refused.value.message
    assert not refused.value.reconnect  # the password is right; the role is not


def test_the_title_is_escaped_and_the_photo_attached_with_its_words_and_terms(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    Category.objects.create(name="Ekonomi", slug="ekonomi")
    fake.wp_terms["tags"].append({"id": 7, "name": "Pasar", "slug": "pasar"})
    title = "Program <Lampung Berjaya> & Uji <img src=x onerror=alert(1)>"
    data = {**assignment_data, "category": "ekonomi", "tags": ["pasar", "UMKM"]}
    item = ready_item(office, data, ["wordpress"], title=title, images=1)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    [wp_post] = fake.live("wordpress")
    assert "<img" not in wp_post["title"] and "&lt;img" in wp_post["title"]
    assert shown(wp_post["title"]) == title  # readers see the words, no element runs
    [photo] = [m for m in fake.uploads.values() if m.get("post") == wp_post["id"]]
    assert (photo["title"], photo["alt_text"]) == (html.escape(title, quote=False), "Foto 0")
    assert photo["caption"] == "Foto 0" and wp_post["featured_media"]
    categories = {t["name"]: t["id"] for t in fake.wp_terms["categories"]}
    tags = {t["name"].casefold(): t["id"] for t in fake.wp_terms["tags"]}
    assert wp_post["categories"] == [categories["Ekonomi"]]  # made, as it was missing
    assert sorted(wp_post["tags"]) == sorted([7, tags["umkm"]])  # matched by name, or made
    assert row.permalink == wp_post["link"]


def test_a_retraction_deletes_the_posts_photos_and_says_so(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress"], title="Data pribadi", images=2)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    photos = [k for k, m in fake.uploads.items() if m.get("post") == int(row.external_id)]
    assert len(photos) == 2
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "personal_data")
    row.refresh_from_db()
    assert row.state == "retracted" and fake.live("wordpress") == []
    assert all(fake.uploads[k].get("deleted") for k in photos)
    assert row.note == "The post is in the WordPress trash and its 2 photos were deleted."
