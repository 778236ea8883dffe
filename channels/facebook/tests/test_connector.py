"""Facebook Page posts against the fake Graph API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from accounts.models import User
from channels import outbox
from channels.facebook.connector import FacebookChannel
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import post, ready_item
from lib import clock

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def _feed_posts(fake: FakePlatforms) -> list[Any]:
    return [r for r in fake.received if r.method == "POST" and r.path.endswith("/feed")]


def test_it_posts_text_to_the_page_and_records_the_permalink(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website", "facebook"], title="Pasar murah")
    rows = post(office, item, django_capture_on_commit_callbacks)
    facebook = next(r for r in rows if r.channel == "facebook")
    assert facebook.state == "posted"
    assert fake.posts["facebook"][0]["message"] == "Pasar murah\n\nIsi berita."
    assert facebook.permalink == fake.posts["facebook"][0]["permalink_url"]
    assert facebook.account == accounts["facebook"]
    assert _feed_posts(fake)[0].headers["authorization"] == "Bearer fb-page-token"
    item.refresh_from_db()
    assert item.open_run() is None  # every channel posted: step 7 is done


def test_it_uses_the_facebook_caption_and_uploads_one_photo(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(
        office, assignment_data, ["facebook"], captions={"facebook": "Halo warga"}, images=1
    )
    post(office, item, django_capture_on_commit_callbacks)
    photo = next(r for r in fake.received if r.path.endswith("/photos"))
    assert photo.form["caption"] == "Halo warga"
    assert photo.files["source"].startswith(b"\xff\xd8")  # the JPEG itself, no public URL needed
    assert Publication.objects.get(channel="facebook").state == "posted"


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_post(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["facebook"], images=3)
    post(office, item, django_capture_on_commit_callbacks)
    uploads = [r for r in fake.received if r.path.endswith("/photos")]
    assert [u.form["published"] for u in uploads] == ["false"] * 3
    assert len(fake.posts["facebook"]) == 1
    assert len(fake.posts["facebook"][0]["media"]) == 3


def test_an_expired_token_fails_with_a_sentence_and_marks_the_account(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.tokens["facebook"] = "a-new-token"
    item = ready_item(office, assignment_data, ["facebook"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="facebook")
    assert row.state == "failed"
    assert row.last_error == (
        "The Facebook token of “Diskominfo facebook” expired or was revoked: reconnect it."
    )
    account = ChannelAccount.objects.get(kind="facebook")
    assert account.needs_reconnect and account.status_message == row.last_error


def test_a_rate_limit_waits_as_long_as_facebook_says(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("rate_limit", "facebook", path_contains="/feed")
    item = ready_item(office, assignment_data, ["facebook"])
    before = clock.now()
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="facebook")
    assert row.state == "retry"
    assert row.next_attempt_at is not None
    # estimated_time_to_regain_access: 1 minute
    assert timedelta(seconds=60) <= row.next_attempt_at - before <= timedelta(seconds=65)
    assert outbox.deliver(row.pk) is None  # not due yet
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    assert len(fake.posts["facebook"]) == 1


@pytest.mark.parametrize("fault", ["timeout", "drop", "transient"])
def test_an_unknown_outcome_is_checked_before_anything_is_sent_again(
    fault: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject(fault, "facebook", path_contains="/feed")
    item = ready_item(office, assignment_data, ["facebook"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="facebook")
    assert row.state == "unknown"
    assert row.next_attempt_at is not None
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    expected = 0 if fault == "transient" else 1  # a 5xx fault was not acted on by the fake
    assert len(_feed_posts(fake)) == 1 + (1 - expected)
    assert len(fake.posts["facebook"]) == 1
    assert row.permalink == fake.posts["facebook"][0]["permalink_url"]


def test_a_duplicate_counts_as_posted_only_when_an_uncertain_attempt_of_ours_made_it(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["facebook"], title="Sama")
    now = int(clock.now().timestamp())
    with fake.lock:
        fake.posts["facebook"].append(
            {"id": "1001_1", "message": "Sama\n\nIsi berita.", "media": [],
             "permalink_url": "https://www.facebook.com/1001/posts/1", "created_time": "",
             "created": now}  # someone else's, made just now: same words, not ours
        )  # fmt: skip
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="facebook")
    assert row.state == "failed"
    assert "duplicate" in row.last_error and row.external_id == ""
    # An earlier attempt of ours that may have made it (its answer was lost) is evidence.
    made = fake.posts["facebook"][0]
    made["created_time"] = clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000")
    window = {"from": (now - 5) * 1000, "to": (now + 5) * 1000, "uncertain": True}
    Publication.objects.filter(pk=row.pk).update(state="retry", progress={"windows": [window]})
    row = outbox.deliver(row.pk)
    assert row is not None and (row.state, row.external_id) == ("posted", "1001_1")


def test_bad_parameters_fail_permanently_with_the_platform_detail(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    import httpx

    from channels import graph

    response = httpx.Response(
        400, json={"error": {"code": 100, "message": "Invalid parameter"}},
        request=httpx.Request("POST", fake.url),
    )  # fmt: skip
    error = graph.error(response, channel="Facebook", account=accounts["facebook"])
    assert error.permanent and not error.reconnect
    assert "Invalid parameter" in error.message
    usage = {"1001": [{"estimated_time_to_regain_access": 7}]}
    response = httpx.Response(
        400, json={"error": {"code": 17, "message": "User request limit reached"}},
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
        request=httpx.Request("POST", fake.url),
    )  # fmt: skip
    error = graph.error(response, channel="Facebook", account=accounts["facebook"])
    assert (error.permanent, error.retry_after) == (False, 420)


def test_test_connection_names_the_page(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    result = FacebookChannel().test_connection(accounts["facebook"])
    assert "Diskominfo Provinsi Lampung" in result and "1001" in result
