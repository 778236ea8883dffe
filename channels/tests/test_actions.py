"""What the operator may do about a publication: retry it, or record a link made by hand."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from channels import actions
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import post, ready_item
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import AuditEntry

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def test_retry_after_reconnecting_looks_first_then_posts_once(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.tokens["x"] = "rotated"
    item = ready_item(office, assignment_data, ["x"])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert row.state == "failed"
    fake.tokens["x"] = "x-token"
    with pytest.raises(NotAllowed):
        actions.retry_publication(office["kasi"], row)
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_publication(office["operator1"], row)
    row.refresh_from_db()
    assert row.state == "posted" and len(fake.posts["x"]) == 1
    lookups = [r for r in fake.received if r.path.endswith("/tweets") and r.method == "GET"]
    assert lookups  # it looked for an earlier post before sending
    assert AuditEntry.objects.filter(action="retry_publication").exists()
    with pytest.raises(Conflict):
        actions.retry_publication(office["operator1"], row)


def test_a_link_recorded_by_hand_finishes_the_step(
    office: Office, assignment_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    item = ready_item(office, assignment_data, ["website", "instagram"], images=1)
    rows = post(office, item, django_capture_on_commit_callbacks)
    instagram = next(r for r in rows if r.channel == "instagram")
    assert instagram.state == "failed"  # no Instagram account is set up
    with pytest.raises(Invalid):
        actions.record_manual_link(office["operator1"], instagram, "javascript:alert(1)")
    actions.record_manual_link(office["operator1"], instagram, "https://www.instagram.com/p/Cxyz/")
    instagram.refresh_from_db()
    assert (instagram.state, instagram.permalink) == (
        "posted", "https://www.instagram.com/p/Cxyz/",
    )  # fmt: skip
    item.refresh_from_db()
    assert item.open_run() is None
    assert "https://www.instagram.com/p/Cxyz/" in item.step_runs.get(action="post").note
    assert Publication.objects.filter(state="posted").count() == 2
