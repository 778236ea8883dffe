"""Every workflow action notifies the person the item now waits for (and their Plt/Plh)."""

from __future__ import annotations

from typing import Any

from accounts.delegation import recipients_for
from newsroom.models import AuditEntry, Item
from notify import delivery, messages

# Actions that hand an item to somebody (posting and comments hand nothing over).
HANDOVERS = frozenset(
    {"assign", "direct", "submit", "review", "forward", "verify", "handover", "reopen"}
)


def on_action_recorded(sender: Any, entry: AuditEntry, **kwargs: Any) -> None:
    """Receiver of ``newsroom.audit.action_recorded`` (sent after the action committed).

    The notice is written by the job worker: composing it (item, open step, delegates, one row
    per channel in a transaction of its own) took about a dozen queries inside the response of
    every action. A lost job costs one notice; the reminders of late steps still reach the
    person.
    """
    if entry.action in HANDOVERS and entry.item_code:
        from notify.tasks import notify_for_entry

        notify_for_entry(entry.pk)


def notify_for_entry_id(entry_id: int) -> int:
    entry = AuditEntry.objects.filter(pk=entry_id).first()
    return notify_next_actor(entry) if entry is not None else 0


def notify_next_actor(entry: AuditEntry) -> int:
    """Queue the notice of the item's open step for its assignee and active delegates.

    Keyed by the open StepRun: "approve and forward" records two entries but opens one step,
    and a redelivered signal finds the rows already written. Returns the rows written.
    """
    item = (
        Item.objects.select_related("assigned_by", "kasi", "operator")
        .filter(code=entry.item_code)
        .first()
    )
    run = item.open_run() if item is not None else None
    if item is None or run is None:
        return 0
    message = messages.task_message(item, run)
    written = 0
    for user in recipients_for(run.assignee):
        if not user.is_active or user.username == entry.actor_username:
            continue
        written += len(
            delivery.queue_for_user(f"task:{run.pk}", user, message, audit_seq=entry.seq)
        )
    return written
