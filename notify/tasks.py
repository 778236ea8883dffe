"""Background jobs: send one delivery (with back-off on transient failures); check late steps."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notify import delivery, reminders
from notify.models import Delivery

BACKOFF_SECONDS = 60


@db_task()
def send_delivery(delivery_id: int) -> None:
    sent = delivery.deliver(delivery_id)
    if sent is not None and sent.state == Delivery.State.QUEUED:
        # Transient failure: the row stays claimable; try again later, a little later each time.
        send_delivery.schedule((delivery_id,), delay=BACKOFF_SECONDS * sent.attempts)


@db_task()
def notify_for_entry(entry_id: int) -> None:
    """Notify whoever the item now waits for, after the action of this audit entry."""
    from notify.dispatch import notify_for_entry_id

    notify_for_entry_id(entry_id)


@db_periodic_task(crontab(minute="*"))
def remind_late_steps() -> None:
    reminders.run()


@db_periodic_task(crontab(minute="*/10"))
def resend_stuck_deliveries() -> None:
    """Rows whose job was lost (a worker died mid-send) are sent again once their lease ends."""
    for delivery_id in delivery.stuck_ids():
        send_delivery(delivery_id)
