"""Posts on X against the fake API v2."""

from __future__ import annotations

import time
from typing import Any

import pytest

from accounts.models import User
from channels import outbox
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount, Publication
from channels.tests.helpers import post, ready_item
from channels.x.connector import XChannel
from lib import clock

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def _tweets(fake: FakePlatforms) -> list[Any]:
    return [r for r in fake.received if r.method == "POST" and r.path == "/2/tweets"]


def test_it_uploads_images_then_posts_with_their_ids(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(
        office, assignment_data, ["x"], captions={"x": "Jembatan dibuka 🎉"}, images=2
    )
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="x")
    assert row.state == "posted"
    uploads = [r for r in fake.received if r.path == "/2/media/upload"]
    assert [u.form["media_category"] for u in uploads] == ["tweet_image"] * 2
    sent = _tweets(fake)[0].json
    assert sent["text"] == "Jembatan dibuka 🎉"
    assert len(sent["media"]["media_ids"]) == 2
    assert row.permalink == f"https://x.com/i/web/status/{row.external_id}"


def test_a_429_waits_until_the_reset_time(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.x_limit = 0
    item = ready_item(office, assignment_data, ["x"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="x")
    assert row.state == "retry"
    assert row.next_attempt_at is not None
    wait = (row.next_attempt_at - clock.now()).total_seconds()
    assert 850 < wait < 905  # the 15-minute window's reset, from x-rate-limit-reset


def test_used_up_credits_fail_without_retrying(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from channels.fakes import x as fake_x

    def credits_depleted(fake: FakePlatforms, request: Any) -> Any:
        return fake_x._problem(402, "CreditsDepleted", "Your account has no credits left.")

    monkeypatch.setattr(fake_x, "_post", credits_depleted)
    item = ready_item(office, assignment_data, ["x"])
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="x")
    assert (row.state, row.next_attempt_at) == ("failed", None)
    assert "credits" in row.last_error


def test_a_timeout_is_reconciled_from_the_timeline(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("timeout", "x", path_contains="/2/tweets")
    item = ready_item(office, assignment_data, ["x"], captions={"x": "Lihat lampungprov.go.id"})
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="x")
    assert row.state == "unknown"
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "posted"
    assert len(_tweets(fake)) == 1 and len(fake.posts["x"]) == 1


def test_a_revoked_token_asks_to_reconnect(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.tokens["x"] = "rotated"
    item = ready_item(office, assignment_data, ["x"])
    post(office, item, django_capture_on_commit_callbacks)
    assert Publication.objects.get(channel="x").state == "failed"
    assert ChannelAccount.objects.get(kind="x").needs_reconnect


def test_an_expired_access_token_is_refreshed_and_the_new_pair_stored(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    account = accounts["x"]
    account.config = {**account.config, "client_id": "warta-app"}
    account.set_secrets({"refresh_token": fake.x_refresh_token})
    account.save()
    fake.tokens["x"] = "issued-after-the-old-one-expired"  # the stored token no longer works
    item = ready_item(office, assignment_data, ["x"])
    post(office, item, django_capture_on_commit_callbacks)
    assert Publication.objects.get(channel="x").state == "posted"
    account.refresh_from_db()
    assert account.secret("access_token") == fake.tokens["x"]
    assert account.secret("refresh_token") == fake.x_refresh_token != "x-refresh-token"
    refresh = next(r for r in fake.received if r.path == "/2/oauth2/token")
    assert refresh.form["client_id"] == "warta-app"


def test_a_duplicate_of_another_post_fails_with_a_sentence_and_of_our_own_counts_as_posted(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from channels.fakes.x import snowflake

    item = ready_item(office, assignment_data, ["x"], captions={"x": "Sekali saja"})
    with fake.lock:
        fake.posts["x"].append(
            {
                "id": snowflake(),
                "text": "Sekali saja",
                "media": [],
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            }
        )  # fmt: skip  (someone else's post, made just now: same words, not ours)
    post(office, item, django_capture_on_commit_callbacks)
    row = Publication.objects.get(channel="x")
    assert (row.state, row.external_id) == ("failed", "")
    assert "X refused the same text as an earlier post: change the text." in row.last_error
    assert len(fake.posts["x"]) == 1
    # Had an earlier attempt of ours been sending at that moment, the post would be ours.
    made = fake.posts["x"][0]
    now_ms = int(time.time() * 1000)
    window = {"from": now_ms - 5000, "to": now_ms + 5000, "uncertain": True}
    Publication.objects.filter(pk=row.pk).update(state="retry", progress={"windows": [window]})
    row = outbox.deliver(row.pk)
    assert row is not None and (row.state, row.external_id) == ("posted", made["id"])
    assert len(fake.posts["x"]) == 1


def test_test_connection_names_the_account(
    fake: FakePlatforms, accounts: dict[str, ChannelAccount]
) -> None:
    assert "@diskominfo_lpg" in XChannel().test_connection(accounts["x"])
