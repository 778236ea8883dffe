"""The hash-chained audit log: append inside the action's transaction, verify on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from lib import clock
from lib.canonical import chain_hash
from newsroom.models import AuditEntry, AuditHead

GENESIS = "0" * 64

# Sent once the action's transaction has committed, with ``entry`` (an AuditEntry): the hook for
# notifications and other side effects, which must never run for a rolled-back action.
action_recorded = Signal()


def append(actor: Any, action: str, item_code: str = "", **data: Any) -> AuditEntry:
    """Append one entry; must run inside the caller's transaction (the head row is locked)."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=clock.now(),
        actor_username=actor.username if actor is not None else "",
        action=action,
        item_code=item_code,
        data=data,
        prev_hash=head.hash,
    )
    entry.hash = chain_hash(entry.prev_hash, entry.record())
    entry.save()
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    transaction.on_commit(lambda: action_recorded.send(sender=AuditEntry, entry=entry))
    return entry


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def first_break() -> Break | None:
    """The first entry whose content, link or position does not match the chain, if any."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return Break(expected_seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return Break(entry.seq, "its link to the previous entry does not match")
        if entry.computed_hash() != entry.hash:
            return Break(entry.seq, "its content was changed after it was written")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.seq != expected_seq - 1:
        return Break(expected_seq, f"entries after #{expected_seq - 1} are missing")
    return None
