"""Delivery rows: written first (one per event, person and notifier), then sent by a job that
claims the row with a conditional update, so two workers never send the same one."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from lib import clock
from notify import registry
from notify.base import Message, NotifyError
from notify.models import Delivery

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6


def queue(
    key: str,
    kind: str,
    message: Message,
    *,
    user: User | None,
    address: str,
    audit_seq: int | None = None,
) -> Delivery | None:
    """Write the row and send it once the caller's transaction commits (None: already there)."""
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                key=key,
                notifier=kind,
                user=user,
                address=address,
                audit_seq=audit_seq,
                item_code=message.item_code,
                message=message.as_json(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def queue_for_user(
    key: str, user: User, message: Message, *, audit_seq: int | None = None
) -> list[Delivery]:
    """One row per notifier that is configured and that this person receives."""
    created = []
    for kind in registry.kinds():
        notifier = registry.notifier(kind)
        if not notifier.is_configured():
            continue
        address = notifier.address_for(user)
        if address is None:
            continue
        delivery = queue(key, kind, message, user=user, address=address, audit_seq=audit_seq)
        if delivery is not None:
            created.append(delivery)
    return created


def _enqueue(delivery_id: int) -> None:
    from notify.tasks import send_delivery

    send_delivery(delivery_id)


def claim(delivery_id: int) -> Delivery | None:
    """Take the row for this worker, or None if another worker has it or it is settled."""
    now = clock.now()

    claimed = (
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.QUEUED)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("user").get(pk=delivery_id)


def deliver(delivery_id: int) -> Delivery | None:
    """Claim and send one row; returns it in its new state (None if not claimed).

    A row left QUEUED after this call failed transiently and should be tried again later.
    """
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    notifier = registry.notifier(delivery.notifier)
    delivery.attempts += 1
    delivery.lease_until = None
    try:
        sent = notifier.send(delivery)
    except NotifyError as exc:
        delivery.reason = exc.message
        if exc.permanent or delivery.attempts >= MAX_ATTEMPTS:
            mark_failed(delivery, exc.message)
        else:
            delivery.save(update_fields=["attempts", "lease_until", "reason"])
        return delivery
    now = clock.now()
    delivery.state = sent.state
    delivery.external_id = sent.external_id
    delivery.reason = ""
    delivery.sent_at = now
    if sent.state == Delivery.State.DELIVERED:
        delivery.delivered_at = now
    delivery.save()
    return delivery


def mark_failed(delivery: Delivery, reason: str) -> None:
    """Record the failure and send the same message through the notifier's fallbacks."""
    delivery.state = Delivery.State.FAILED
    delivery.reason = reason
    delivery.failed_at = clock.now()
    delivery.lease_until = None
    delivery.save()
    logger.warning("notify: %s delivery %s failed: %s", delivery.notifier, delivery.pk, reason)
    if delivery.user is None:
        return
    message = Message.from_json(delivery.message)
    for kind in registry.notifier(delivery.notifier).fallback:
        notifier = registry.notifier(kind)
        address = notifier.address_for(delivery.user) if notifier.is_configured() else None
        if address is not None:
            queue(
                delivery.key,
                kind,
                message,
                user=delivery.user,
                address=address,
                audit_seq=delivery.audit_seq,
            )


STATE_ORDER: dict[str, int] = {
    Delivery.State.QUEUED: 0,
    Delivery.State.SENT: 1,
    Delivery.State.DELIVERED: 2,
    Delivery.State.READ: 3,
}


def record_status(external_id: str, status: str, reason: str = "") -> Delivery | None:
    """Apply a status the platform reported (sent/delivered/read/failed); only moves forward."""
    delivery = Delivery.objects.filter(external_id=external_id).first()
    if delivery is None or delivery.state == Delivery.State.FAILED:
        return delivery
    if status == Delivery.State.FAILED:
        mark_failed(delivery, reason or "WhatsApp reported the message as failed.")
        return delivery
    if status not in STATE_ORDER or STATE_ORDER[status] <= STATE_ORDER[delivery.state]:
        return delivery
    now = clock.now()
    delivery.state = status
    if status == Delivery.State.DELIVERED:
        delivery.delivered_at = now
    elif status == Delivery.State.READ:
        delivery.read_at = now
        delivery.delivered_at = delivery.delivered_at or now
    delivery.save(update_fields=["state", "delivered_at", "read_at"])
    return delivery


def stuck_ids(limit: int = 200) -> list[int]:
    """Queued rows no worker holds that have waited a while (their job was lost or failed)."""
    now = clock.now()
    return list(
        Delivery.objects.filter(state=Delivery.State.QUEUED, created_at__lt=now - LEASE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)[:limit]
    )
