"""The outbox: one row per channel, delivered once, its outcome recorded on the row."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from channels import registry
from channels.base import Channel, ChannelError, Posted, Preview
from channels.models import Publication
from newsroom import actions
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


class FakeRemote(Channel):
    """A remote channel that records what it was asked to post."""

    kind = "remote"
    label = "Remote"
    posted: list[str] = []
    fail_with: ChannelError | None = None

    def render(self, version: Any) -> Preview:
        return Preview(text=version.title)

    def publish(self, publication: Publication) -> Posted:
        if FakeRemote.fail_with is not None:
            raise FakeRemote.fail_with
        FakeRemote.posted.append(publication.version.title)
        return Posted(external_id="r-1", permalink="https://remote.example/p/r-1")

    def find(self, publication: Publication) -> Posted | None:
        return None  # these tests never leave a post in doubt

    def retract(self, publication: Publication) -> None:
        FakeRemote.posted.remove(publication.version.title)


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch) -> type[FakeRemote]:
    monkeypatch.setitem(registry.CHANNELS, "remote", f"{__name__}.FakeRemote")
    FakeRemote.posted, FakeRemote.fail_with = [], None
    return FakeRemote


def _ready_to_post(office: dict[str, User], data: dict[str, Any]) -> Any:
    return walk_to(office, {**data, "channels": ["website", "remote"]}, "post")


def test_remote_channels_are_delivered_after_commit_and_then_the_step_ends(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    remote: type[FakeRemote],
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = _ready_to_post(office, assignment_data)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.post(office["operator1"], item)
    states = dict(Publication.objects.values_list("channel", "state"))
    assert states == {"website": "posted", "remote": "queued"}
    assert item.open_run().action == "post"
    for callback in callbacks:
        callback()
    assert remote.posted == ["Judul"]
    remote_row = Publication.objects.get(channel="remote")
    assert (remote_row.state, remote_row.permalink, remote_row.attempts) == (
        "posted", "https://remote.example/p/r-1", 1,
    )  # fmt: skip
    assert item.open_run() is None
    assert "https://remote.example/p/r-1" in item.step_runs.get(action="post").note


def test_a_row_is_delivered_once_even_if_the_job_runs_twice(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    remote: type[FakeRemote],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from channels import outbox

    item = _ready_to_post(office, assignment_data)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post(office["operator1"], item)
    row = Publication.objects.get(channel="remote")
    assert outbox.deliver(row.pk) is None
    assert remote.posted == ["Judul"]


def test_a_permanent_error_fails_the_row_with_its_sentence(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    remote: type[FakeRemote],
    django_capture_on_commit_callbacks: Any,
) -> None:
    remote.fail_with = ChannelError("Token kedaluwarsa: sambungkan ulang", permanent=True)
    item = _ready_to_post(office, assignment_data)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post(office["operator1"], item)
    row = Publication.objects.get(channel="remote")
    assert (row.state, row.last_error) == ("failed", "Token kedaluwarsa: sambungkan ulang")
    assert item.open_run().action == "post"


def test_a_worker_that_read_the_row_before_another_claimed_it_does_not_send_it_again(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    remote: type[FakeRemote],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The claim reads the state, then updates: the update must be conditional on that state,
    or a worker acting on a stale read takes a row another worker has already delivered."""
    from channels import outbox

    item = _ready_to_post(office, assignment_data)
    with django_capture_on_commit_callbacks(execute=False):
        actions.post(office["operator1"], item)  # the job is not run: two workers race for it
    row = Publication.objects.get(channel="remote")
    read_state = outbox._read_state
    other_worker: list[Publication | None] = []

    def read_then_lose_the_race(publication_id: int) -> str | None:
        state = read_state(publication_id)  # this worker reads "queued"...
        monkeypatch.setattr(outbox, "_read_state", read_state)
        other_worker.append(outbox.deliver(publication_id))  # ...another claims and posts it
        return state

    monkeypatch.setattr(outbox, "_read_state", read_then_lose_the_race)
    assert outbox.deliver(row.pk) is None  # the stale read claims nothing
    assert other_worker[0] is not None and other_worker[0].state == "posted"
    assert remote.posted == ["Judul"]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("posted", 1)
