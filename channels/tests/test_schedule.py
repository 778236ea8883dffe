"""Scheduled posts: nothing is sent before the time, everything once after, restarts included."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from accounts.models import User
from channels import outbox, tasks
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import ready_item
from lib import clock
from newsroom import actions
from newsroom.models import Item

pytestmark = pytest.mark.django_db

Office = dict[str, User]


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _post_at(
    office: Office, item: Item, at: datetime, monkeypatch: pytest.MonkeyPatch, capture: Any
) -> list[Publication]:
    """Step 7 with a time: ``newsroom.actions.post`` handing ``at`` to the outbox."""
    with monkeypatch.context() as patch, capture(execute=True):
        real = outbox.create_publications
        patch.setattr(outbox, "create_publications", lambda v, kinds, **_: real(v, kinds, at=at))
        actions.post(office["operator1"], item)
    return list(Publication.objects.filter(item=item).order_by("pk"))


def _freeze(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: at)


def test_a_scheduled_post_is_not_sent_before_its_time_and_sent_once_after(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    client: Client, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website", "x"], body="<p>Isi terjadwal.</p>")
    at = clock.now().replace(microsecond=0) + timedelta(hours=3)
    rows = _post_at(office, item, at, monkeypatch, django_capture_on_commit_callbacks)
    assert [(r.channel, r.state, r.scheduled_at) for r in rows] == [
        ("website", "queued", at), ("x", "queued", at),
    ]  # fmt: skip
    # The job waits in Huey's schedule for that time.
    waiting = [t for t in HUEY.scheduled() if t.name.endswith("deliver_publication")]
    assert {t.args[0] for t in waiting} >= {r.pk for r in rows}
    assert client.get(f"/berita/{item.slug}/").status_code == 404
    item.refresh_from_db()
    assert item.open_run() is not None and item.open_run().action == "post"

    _freeze(monkeypatch, at - timedelta(minutes=1))
    assert outbox.sweep() == []
    assert [outbox.deliver(r.pk) for r in rows] == [None, None]  # a job run early does nothing
    tasks.sweep_outbox()
    assert fake.posts["x"] == []

    _freeze(monkeypatch, at + timedelta(seconds=30))
    assert sorted(outbox.sweep()) == [r.pk for r in rows]  # released even if the job was lost
    tasks.sweep_outbox()
    tasks.sweep_outbox()
    assert [p.state for p in Publication.objects.filter(item=item).order_by("pk")] == [
        "posted", "posted",
    ]  # fmt: skip
    assert len(fake.posts["x"]) == 1
    assert client.get(f"/berita/{item.slug}/").status_code == 200
    item.refresh_from_db()
    assert item.open_run() is None  # step 7 ends once every channel is posted


def test_posting_without_a_time_still_publishes_the_website_at_once(
    office: Office, assignment_data: dict[str, Any], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website"])
    with django_capture_on_commit_callbacks(execute=True):
        [row] = actions.post(office["operator1"], item)
    assert (row.state, row.scheduled_at) == ("posted", None)


def test_retracting_cancels_a_post_still_waiting_for_its_time(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from channels.actions import retract_item

    item = ready_item(office, assignment_data, ["x"])
    at = clock.now() + timedelta(days=1)
    [row] = _post_at(office, item, at, monkeypatch, django_capture_on_commit_callbacks)
    retract_item(office["kabid"], item, "correction")
    _freeze(monkeypatch, at + timedelta(minutes=1))
    assert outbox.sweep() == []
    assert outbox.deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.state, row.posted_at) == ("retracted", None)
    assert fake.posts["x"] == [] and fake.received == []
