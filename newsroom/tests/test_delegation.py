"""An acting official (Plt/Plh) acts for a head during the period, and only then."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts.models import Delegation, Role, User
from lib import clock
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.errors import NotAllowed
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def plh(office: dict[str, User]) -> User:
    """The Kasi stands in for the Kabid today."""
    now = clock.now()
    Delegation.objects.create(
        principal=office["kabid"],
        delegate=office["kasi"],
        kind=Delegation.Kind.PLH,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
        created_by=office["admin"],
    )
    return office["kasi"]


def test_the_delegate_verifies_for_the_kabid_and_both_names_are_recorded(
    office: dict[str, User], assignment_data: dict[str, Any], plh: User
) -> None:
    item = walk_to(office, assignment_data, "verify")
    actions.verify(plh, item, decision="approve")
    run = item.step_runs.get(action="verify")
    assert run.actor == plh
    assert run.on_behalf_of == office["kabid"]
    assert run.assignee == office["kabid"]


def test_the_delegate_assigns_in_the_kabids_name(
    office: dict[str, User], assignment_data: dict[str, Any], plh: User
) -> None:
    item = actions.assign(plh, Assignment(**assignment_data))
    assert item.assigned_by == office["kabid"]
    run = item.step_runs.get(action="assign")
    assert (run.actor, run.on_behalf_of) == (plh, office["kabid"])


def test_the_delegates_power_ends_with_the_period(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    plh: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    item = walk_to(office, assignment_data, "verify")
    later = clock.now() + timedelta(hours=9)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(NotAllowed):
        actions.verify(plh, item, decision="approve")
    with pytest.raises(NotAllowed):
        actions.assign(plh, Assignment(**assignment_data))
    actions.verify(office["kabid"], item, decision="approve")


def test_someone_without_a_delegation_still_cannot_act(
    office: dict[str, User], assignment_data: dict[str, Any], plh: User
) -> None:
    item = walk_to(office, assignment_data, "verify")
    with pytest.raises(NotAllowed):
        actions.verify(office["operator2"], item, decision="approve")
    assert office["operator2"].role == Role.OPERATOR


def test_the_delegate_cannot_act_before_the_period_starts(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    now = clock.now()
    Delegation.objects.create(
        principal=office["kabid"],
        delegate=office["kasi"],
        kind=Delegation.Kind.PLT,
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        created_by=office["admin"],
    )
    item = walk_to(office, assignment_data, "verify")

    with pytest.raises(NotAllowed):
        actions.verify(office["kasi"], item, decision="approve")
    with pytest.raises(NotAllowed):
        actions.assign(office["kasi"], Assignment(**assignment_data))
    item.refresh_from_db()
    assert not item.step_runs.filter(action="verify", finished_at__isnull=False).exists()
