"""The outbox's promises: backoff, the sweeper, reconciliation, never posting twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts.models import User
from channels import outbox
from channels.facebook.connector import FacebookChannel
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import post, ready_item
from lib import clock
from newsroom import actions
from newsroom.models import Version

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def test_backoff_doubles_and_honours_the_platforms_wait() -> None:
    assert outbox.retry_delay(1, None) == timedelta(seconds=30)
    assert outbox.retry_delay(3, None) == timedelta(seconds=120)
    assert outbox.retry_delay(20, None) == timedelta(hours=1)
    assert outbox.retry_delay(1, 600) == timedelta(seconds=601)


def test_a_worker_that_died_mid_job_is_recovered_by_the_sweeper_without_a_second_post(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["facebook", "x"])
    with django_capture_on_commit_callbacks(execute=False):
        rows = {p.channel: p for p in actions.post(office["operator1"], item)}
    # The worker claimed the Facebook row, posted, and died before recording anything.
    taken = outbox.claim(rows["facebook"].pk)
    assert taken is not None
    FacebookChannel().publish(taken.publication)
    assert outbox.sweep() == []  # the lease holds; the queued x row is not stale yet
    later = clock.now() + outbox.LEASE + timedelta(seconds=1)
    due = outbox.sweep(later)
    assert rows["facebook"].pk in due
    assert Publication.objects.get(pk=rows["facebook"].pk).state == "unknown"
    for pk in due:
        outbox.deliver(pk, now=later)
    assert dict(Publication.objects.values_list("channel", "state")) == {
        "facebook": "posted", "x": "posted",
    }  # fmt: skip
    assert len(fake.posts["facebook"]) == 1 and len(fake.posts["x"]) == 1
    item.refresh_from_db()
    assert item.open_run() is None


def test_a_row_that_keeps_failing_gives_up_with_its_last_sentence(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("rate_limit", "x", path_contains="/2/tweets", times=outbox.MAX_ATTEMPTS)
    item = ready_item(office, assignment_data, ["x"])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    while row.state == "retry":
        assert row.next_attempt_at is not None
        delivered = outbox.deliver(row.pk, now=row.next_attempt_at)
        assert delivered is not None
        row = delivered
    assert (row.state, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert str(outbox.MAX_ATTEMPTS) in row.last_error
    assert fake.posts["x"] == []


def test_no_account_for_a_channel_fails_with_what_to_do(
    office: Office, assignment_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    item = ready_item(office, assignment_data, ["wordpress"])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert row.state == "failed"
    assert row.account is None and row.last_error


def test_a_version_changed_after_verification_is_never_sent(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["x"], captions={"x": "Versi terverifikasi"})
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        [row] = actions.post(office["operator1"], item)
    # Someone edits the stored version behind Warta's back before the worker runs.
    Version.objects.filter(pk=row.version_id).update(captions={"x": "Versi palsu"})
    for job in jobs:
        job()
    row.refresh_from_db()
    assert row.state == "failed" and "changed after it was verified" in row.last_error
    assert fake.posts["x"] == []


@pytest.mark.parametrize("kind", ["facebook", "x", "wordpress"])
def test_retract_deletes_the_post_at_the_platform(
    kind: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from channels import registry

    item = ready_item(office, assignment_data, [kind])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert row.state == "posted"
    registry.connector(kind).retract(row)
    assert all(p.get("deleted") for p in fake.posts[kind])


def test_instagram_cannot_retract_and_says_where_to_do_it(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from channels import registry
    from channels.base import ChannelError

    item = ready_item(office, assignment_data, ["instagram"], images=1)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    with pytest.raises(ChannelError) as caught:
        registry.connector("instagram").retract(row)
    assert caught.value.permanent and "Instagram app" in caught.value.message
