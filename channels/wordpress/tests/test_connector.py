"""Posts on an external WordPress site against the fake REST API."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from channels import outbox
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import post, ready_item
from channels.wordpress.connector import WordPressChannel

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


def test_a_wrong_application_password_asks_to_reconnect(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.wp_password = "changed"
    item = ready_item(office, assignment_data, ["wordpress"])
    post(office, item, django_capture_on_commit_callbacks)
    assert Publication.objects.get(channel="wordpress").state == "failed"
    assert ChannelAccount.objects.get(kind="wordpress").needs_reconnect


def test_test_connection_names_the_user(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    assert "Editor Diskominfo" in WordPressChannel().test_connection(accounts["wordpress"])
