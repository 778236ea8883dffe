"""Instagram content publishing against the fake Graph API."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from accounts.models import User
from channels import outbox, validation
from channels.fakes import FakePlatforms
from channels.instagram.connector import InstagramChannel
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import post, ready_item
from images import renditions

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def _publishes(fake: FakePlatforms) -> list[Any]:
    return [r for r in fake.received if r.path.endswith("/media_publish")]


def test_it_creates_a_container_waits_until_finished_then_publishes(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.instagram_polls_until_ready = 3
    item = ready_item(
        office, assignment_data, ["instagram"], captions={"instagram": "Halo #lampung"}, images=1
    )
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="instagram")
    assert row.state == "posted"
    container = next(r for r in fake.received if r.method == "POST" and r.path.endswith("/media"))
    image = row.version.images.get()
    # The compliant rendition (issue 6), never the original upload.
    rendition = renditions.social_rendition(image, renditions.instagram_use(image))
    assert container.form["image_url"] == f"{settings.SITE_URL}{rendition.url}"
    assert container.form["alt_text"] == "Foto 0"
    assert fake.posts["instagram"][0]["caption"] == "Halo #lampung"
    assert row.permalink == fake.posts["instagram"][0]["permalink"]
    assert row.progress["container"] == fake.posts["instagram"][0]["container"]


def test_several_images_make_a_carousel(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["instagram"], images=3)
    post(office, item, django_capture_on_commit_callbacks)
    creates = [r for r in fake.received if r.method == "POST" and r.path.endswith("/media")]
    assert [c.form.get("is_carousel_item") for c in creates] == ["true", "true", "true", None]
    assert creates[-1].form["media_type"] == "CAROUSEL"
    assert Publication.objects.get(channel="instagram").state == "posted"


@pytest.mark.parametrize("fault", ["timeout", "drop"])
def test_a_lost_answer_to_publish_is_resolved_by_the_container_never_by_publishing_twice(
    fault: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject(fault, "instagram", path_contains="/media_publish")
    item = ready_item(office, assignment_data, ["instagram"], images=1)
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="instagram")
    assert row.state == "unknown"
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    assert len(_publishes(fake)) == 1 and fake.double_publish_attempts == 0
    assert row.external_id == fake.posts["instagram"][0]["id"]


def test_a_finished_container_from_an_earlier_attempt_is_published_not_recreated(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("rate_limit", "instagram", path_contains="/media_publish")
    item = ready_item(office, assignment_data, ["instagram"], images=1)
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="instagram")
    assert row.state == "retry"
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    creates = [r for r in fake.received if r.method == "POST" and r.path.endswith("/media")]
    assert len(creates) == 1


def test_an_image_address_instagram_cannot_download_fails_with_the_fix(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.require_public_image_urls = True
    item = ready_item(office, assignment_data, ["instagram"], images=1)
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="instagram")
    assert row.state == "failed"
    assert "SITE_URL" in row.last_error


def test_the_rules_are_checked_before_posting() -> None:
    too_many_tags = " ".join(f"#t{i}" for i in range(31))
    found = validation.problems(
        {"title": "T", "body": "<p>B</p>", "captions": {"instagram": too_many_tags},
         "images": [{"alt_text": "", "content_type": "image/png"}]},
        ["instagram", "website"],
    )  # fmt: skip
    assert list(found) == ["instagram"]
    assert len(found["instagram"]) == 1  # 31 hashtags (a PNG is sent as a JPEG rendition)
    found = validation.problems({"title": "T", "body": "x" * 2300}, ["instagram"])
    assert len(found["instagram"]) == 2  # no image, caption too long


def test_any_image_shape_and_size_become_a_compliant_rendition() -> None:
    """Issue 6: Instagram gets a 1080 px JPEG rendition (4:5 or 1:1), so a wide or large upload
    is no longer a problem; the upload is still readable afterwards."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channels.tests.helpers import jpeg
    from newsroom.actions import ImageUpload

    wide = ImageUpload(SimpleUploadedFile("w.jpg", jpeg(400, 200), "image/jpeg"), "lebar")
    square = ImageUpload(SimpleUploadedFile("s.jpg", jpeg(300, 300), "image/jpeg"), "persegi")
    assert validation.problems({"title": "T", "body": "B", "images": [wide]}, ["instagram"]) == {}
    assert wide.file.tell() == 0  # the upload can still be stored afterwards
    assert validation.problems({"title": "T", "body": "B", "images": [square]}, ["instagram"]) == {}
    big = {"alt_text": "", "content_type": "image/jpeg", "width": 1080, "height": 1080,
           "size": 9 * 1024 * 1024}  # fmt: skip
    found = validation.problems({"title": "T", "body": "B", "images": [big]}, ["instagram", "x"])
    assert found == {}


def test_test_connection_names_the_account(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    assert "@diskominfo.lampung" in InstagramChannel().test_connection(accounts["instagram"])


def test_instagram_login_tokens_are_refreshed_weekly(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    from channels.tasks import refresh_instagram_tokens

    account = accounts["instagram"]
    account.config = {**account.config, "flavour": "instagram"}
    account.save()
    refresh_instagram_tokens.call_local()
    account.refresh_from_db()
    assert account.secret("access_token") == fake.tokens["instagram"] != "ig-token"
    fake.tokens["instagram"] = "revoked-in-the-app"
    refresh_instagram_tokens.call_local()
    account.refresh_from_db()
    assert account.needs_reconnect and "reconnect" in account.status_message
