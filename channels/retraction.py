"""Taking posts down: one job per publication, claimed like a delivery.

A row asked to be retracted stays ``posted`` (with ``retract_requested_at``) until the platform
confirms the delete; then it is ``retracted``. A transient error waits and tries again; a
permanent one (Instagram cannot delete through its API, a revoked token) leaves the row marked
``manual_takedown`` with the sentence saying what a person must do.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from channels import registry
from channels.base import ChannelError
from channels.models import ChannelAccount, Publication
from channels.outbox import LEASE, MAX_ATTEMPTS, retry_delay
from lib import clock

State = Publication.State


def _pending(now: datetime) -> Q:
    """Asked for, not done, not left to a person, not leased, and due."""
    return (
        Q(state=State.POSTED, retract_requested_at__isnull=False, manual_takedown=False)
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def claim(publication_id: int, now: datetime) -> Publication | None:
    claimed = Publication.objects.filter(_pending(now), pk=publication_id).update(
        lease_until=now + LEASE
    )
    if not claimed:
        return None
    return Publication.objects.select_related("item", "account").get(pk=publication_id)


def retract(publication_id: int, now: datetime | None = None) -> Publication | None:
    """Claim and take down one row; returns it in its new state (None if not claimed)."""
    now = now or clock.now()
    publication = claim(publication_id, now)
    if publication is None:
        return None
    try:
        note = registry.connector(publication.channel).retract(publication)
    except ChannelError as exc:
        return _record_failure(publication, exc)
    record_retracted(publication, note)
    return publication


def record_retracted(publication: Publication, note: str = "") -> None:
    """The post is gone; ``note`` says what went with it (kept on the row, shown with it)."""
    if note:
        publication.progress = {**(publication.progress or {}), "note": note}
    publication.state = State.RETRACTED
    publication.retracted_at = clock.now()
    publication.lease_until = publication.next_attempt_at = None
    publication.last_error = ""
    publication.save()


def _record_failure(publication: Publication, exc: ChannelError) -> Publication:
    attempts = int((publication.progress or {}).get("retract_attempts", 0)) + 1
    publication.progress = {**(publication.progress or {}), "retract_attempts": attempts}
    publication.lease_until = None
    if exc.reconnect and publication.account is not None:
        ChannelAccount.objects.filter(pk=publication.account.pk).update(
            needs_reconnect=True, status_message=exc.message
        )
    if exc.permanent or attempts >= MAX_ATTEMPTS:
        publication.manual_takedown = True
        publication.next_attempt_at = None
        publication.last_error = _("Not taken down: %(error)s") % {"error": exc.message}
    else:
        publication.next_attempt_at = clock.now() + retry_delay(attempts, exc.retry_after)
        publication.last_error = exc.message
    publication.save()
    return publication


def sweep(now: datetime | None = None) -> list[int]:
    """Rows whose takedown is due (a retry, or a job lost in a restart)."""
    now = now or clock.now()
    return list(Publication.objects.filter(_pending(now)).values_list("pk", flat=True))
