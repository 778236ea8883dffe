"""A Plt/Plh receives the head's notifications and may decide from WhatsApp during the period;
the next notice names both ("X a.n. Y"); after the period the delegate's tap changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from accounts.models import Delegation, User
from lib import clock
from newsroom.models import Item, StepRun
from newsroom.tests.helpers import walk_to
from notify.models import Notification
from notify.tests.conftest import NUMBERS, payload_sent_to, tap, webhook_body
from notify.whatsapp.fake import FakeWhatsApp

pytestmark = pytest.mark.django_db


@pytest.fixture
def plh(people: dict[str, User]) -> User:
    """operator2 stands in for the Kabid for the next four hours."""
    now = clock.now()
    Delegation.objects.create(
        principal=people["kabid"],
        delegate=people["operator2"],
        kind=Delegation.Kind.PLH,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=4),
        created_by=people["admin"],
    )
    return people["operator2"]


@pytest.fixture
def at_verify(
    people: dict[str, User],
    plh: User,
    assignment_data: dict[str, Any],
    fake_whatsapp: FakeWhatsApp,
    django_capture_on_commit_callbacks: Any,
) -> Item:
    with django_capture_on_commit_callbacks(execute=True):
        return walk_to(people, assignment_data, "verify")


def test_the_delegate_receives_the_heads_decision_and_decides_for_them(
    at_verify: Item,
    plh: User,
    people: dict[str, User],
    fake_whatsapp: FakeWhatsApp,
    post_webhook: Callable[..., Any],
) -> None:
    # Both the Kabid and the Plh got the decision with its buttons.
    payload_sent_to(fake_whatsapp, NUMBERS["kabid"], "approve")
    payload = payload_sent_to(fake_whatsapp, NUMBERS["operator2"], "approve")
    assert Notification.objects.filter(user=plh, item_code=at_verify.code).exists()

    assert post_webhook(webhook_body(tap(NUMBERS["operator2"], payload))).status_code == 200
    verify = at_verify.step_runs.get(action="verify")
    assert (verify.outcome, verify.actor, verify.on_behalf_of) == (
        StepRun.Outcome.APPROVED,
        plh,
        people["kabid"],
    )
    handover = Notification.objects.filter(user=people["kasi"]).order_by("-pk").first()
    assert handover is not None
    assert "Dodi Operator a.n. Rina Kabid" in handover.detail


def test_the_delegates_power_ends_with_the_period(
    at_verify: Item,
    fake_whatsapp: FakeWhatsApp,
    post_webhook: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payload = payload_sent_to(fake_whatsapp, NUMBERS["operator2"], "approve")
    later = clock.now() + timedelta(hours=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert post_webhook(webhook_body(tap(NUMBERS["operator2"], payload))).status_code == 200
    assert at_verify.open_run().action == "verify"  # type: ignore[union-attr]
    answer = fake_whatsapp.sent()[-1]
    assert answer["to"] == NUMBERS["operator2"]
    assert "Rina Kabid" in str(answer)
