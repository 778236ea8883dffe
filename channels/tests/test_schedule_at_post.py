"""Step 6 and step 7 take a time: validated, then handed to the outbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts.models import User
from channels.models import Publication
from lib import clock
from newsroom import actions
from newsroom.errors import Invalid
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


def test_post_refuses_a_time_in_the_past_or_too_far_ahead(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "post")
    for at in (clock.now() - timedelta(minutes=1), clock.now() + timedelta(days=31)):
        with pytest.raises(Invalid) as refused:
            actions.post(office["operator1"], item, at=at)
        assert "at" in refused.value.errors
    assert not Publication.objects.exists()


def test_a_time_chosen_at_handover_schedules_the_post(
    office: dict[str, User], assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = walk_to(office, assignment_data, "handover")
    at = clock.now() + timedelta(days=2)
    actions.handover(office["kasi"], item, at=at)
    item.refresh_from_db()
    assert item.scheduled_at == at
    with django_capture_on_commit_callbacks(execute=True):
        [row] = actions.post(office["operator1"], item)
    assert (row.state, row.scheduled_at) == ("queued", at)
    item.refresh_from_db()
    assert item.open_run() is not None and item.open_run().action == "post"


def test_post_at_a_time_overrides_the_handover_choice(
    office: dict[str, User], assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = walk_to(office, assignment_data, "post")
    at = clock.now() + timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        [row] = actions.post(office["operator1"], item, at=at)
    assert (row.state, row.scheduled_at) == ("queued", at)
