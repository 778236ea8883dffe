"""Walk an item through the SOP up to a given act, for tests."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.models import Item

ORDER = ["direct", "submit", "review", "forward", "verify", "handover", "post"]


def walk_to(office: dict[str, User], data: dict[str, Any], until: str) -> Item:
    """Assign an item and perform every act before ``until`` (which is then waiting)."""
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    item = actions.assign(kabid, Assignment(**data))
    steps = {
        "direct": lambda: actions.direct(
            kasi, item, operator="operator1", direction="Sudut: manfaat"
        ),
        "submit": lambda: actions.submit(op, item, title="Judul", body="Isi berita."),
        "review": lambda: actions.review(kasi, item, decision="approve"),
        "forward": lambda: actions.forward(kasi, item),
        "verify": lambda: actions.verify(kabid, item, decision="approve"),
        "handover": lambda: actions.handover(kasi, item),
        "post": lambda: actions.post(op, item),
    }
    for action in ORDER[: ORDER.index(until)] if until != "done" else ORDER:
        steps[action]()
    item.refresh_from_db()
    return item


def runs(item: Item) -> list[tuple[int, str, str]]:
    return [(r.step, r.action, r.outcome) for r in item.step_runs.order_by("started_at", "pk")]
