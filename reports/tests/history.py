"""A small history with chosen times: every duration below is exact, so tests can compute the
expected medians, shares and loops by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.models import Item

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 3, 2, tzinfo=JAKARTA)  # Monday 2 March 2026
NEXT_MONDAY = MONDAY + timedelta(days=7)


@dataclass
class Clock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(MONDAY)
    monkeypatch.setattr("lib.clock.now", fake.now)
    return fake


# (action, minutes it took, extra arguments); "assign" is timed from the form's opening.
ItemPlan = list[tuple[str, float, dict[str, Any]]]

ITEM_A: ItemPlan = [
    ("assign", 1, {}),
    ("direct", 4, {}),
    ("submit", 6, {}),
    ("review", 2, {"decision": "approve"}),
    ("forward", 1, {}),
    ("verify", 2, {"decision": "approve"}),
    ("handover", 1, {}),
    ("post", 1, {}),
]
ITEM_B: ItemPlan = [
    ("assign", 3, {}),
    ("direct", 6, {}),
    ("submit", 10, {}),
    ("review", 3, {"decision": "return", "reason": "bahasa-ejaan"}),
    ("submit", 5, {}),
    ("review", 1, {"decision": "approve"}),
    ("forward", 3, {}),
    ("verify", 2, {"decision": "return", "reason": "akurasi-data"}),
    ("submit", 4, {}),
    ("review", 2, {"decision": "approve"}),
    ("forward", 1, {}),
    ("verify", 1, {"decision": "approve"}),
    ("handover", 2, {}),
    ("post", 2, {}),
]
ITEM_C: ItemPlan = [
    ("assign", 2, {}),
    ("direct", 5, {}),
    ("submit", 8, {}),
    ("review", 4, {"decision": "approve"}),
    ("forward", 2, {}),
    ("verify", 3, {"decision": "approve"}),
    ("handover", 1, {}),
    ("post", 3, {}),
]


def run_item(
    office: dict[str, User],
    data: dict[str, Any],
    clock: Clock,
    plan: ItemPlan,
    *,
    operator: str = "operator1",
    region: str = "18.03",
) -> Item:
    """Perform the plan: before each act the clock moves by the act's minutes."""
    kabid, kasi, op = office["kabid"], office["kasi"], office[operator]
    item: Item | None = None
    for action, minutes, extra in plan:
        if action == "assign":
            opened = clock.at
            clock.advance(minutes)
            item = actions.assign(
                kabid, Assignment(**{**data, "region_code": region, "started_at": opened})
            )
            continue
        assert item is not None
        clock.advance(minutes)
        if action == "direct":
            actions.direct(kasi, item, operator=operator, direction="Sudut: manfaat")
        elif action == "submit":
            actions.submit(op, item, title="Judul", body="Isi berita.")
        elif action == "review":
            actions.review(
                kasi, item, note="Perbaiki." if extra["decision"] == "return" else "", **extra
            )
        elif action == "forward":
            actions.forward(kasi, item)
        elif action == "verify":
            actions.verify(
                kabid, item, note="Perbaiki." if extra["decision"] == "return" else "", **extra
            )
        elif action == "handover":
            actions.handover(kasi, item)
        elif action == "post":
            actions.post(op, item)
    assert item is not None
    item.refresh_from_db()
    return item


@pytest.fixture
def history(office: dict[str, User], assignment_data: dict[str, Any], clock: Clock) -> Clock:
    """Items A and B (region 18.03, operator1) and C (18.71, operator2) on Monday 2 March in
    office hours; item D assigned Friday 6 March 15:48, directed Monday 9 March 07:35 (across the
    weekend), then waiting for production; the clock ends on Monday 9 March 08:00."""
    clock.at = MONDAY.replace(hour=8)
    run_item(office, assignment_data, clock, ITEM_A)
    clock.at = MONDAY.replace(hour=9)
    run_item(office, assignment_data, clock, ITEM_B)
    clock.at = MONDAY.replace(hour=10)
    run_item(office, assignment_data, clock, ITEM_C, operator="operator2", region="18.71")
    clock.at = MONDAY.replace(hour=15, minute=48) + timedelta(days=4)
    d = run_item(office, assignment_data, clock, [("assign", 2, {})])
    clock.at = NEXT_MONDAY.replace(hour=7, minute=35)
    actions.direct(office["kasi"], d, operator="operator1", direction="Sudut: manfaat")
    clock.at = NEXT_MONDAY.replace(hour=8)
    return clock
