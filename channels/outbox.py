"""Posting through the outbox: rows written with the action, delivered by the worker.

A worker claims a row with a conditional update (queued/retry/unknown -> sending, with a lease),
so two workers never deliver the same publication. Each attempt ends in one of:

- posted: the platform answered with the post (external id, permalink);
- retry: a transient error; the next attempt waits (the platform's retry_after, else backoff);
- failed: a permanent error, with a sentence a person can act on;
- unknown: the request may have reached the platform (a timeout after sending, a 5xx to a
  POST). The next attempt first asks the platform for the post (``find``) and sends again only
  if it is not there: a retry never posts twice.

The sweeper turns expired leases (a worker that died mid-job) into unknown and hands every due
row back to the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from channels import registry
from channels.base import ChannelError, Posted
from channels.models import ChannelAccount, Publication
from lib import clock
from newsroom.models import Version

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
RETRY_AFTER_MAX = timedelta(hours=24)
# A queued row nobody claimed for this long lost its job (e.g. the process died at commit).
STALE_QUEUED = timedelta(minutes=2)

State = Publication.State


def create_publications(
    version: Version, kinds: list[str], at: datetime | None = None
) -> list[Publication]:
    """Write one row per channel in the caller's transaction; deliver local channels now and
    enqueue the others once the transaction commits.

    With ``at`` every row (the website's too) waits for that time: its job is scheduled for
    then, and the sweeper releases it when due if the scheduled job was lost.
    """
    publications = []
    for kind in kinds:
        local = registry.connector(kind).local
        account = None if local else ChannelAccount.objects.for_kind(kind)
        publications.append(
            Publication.objects.create(
                item=version.item, version=version, channel=kind, account=account, scheduled_at=at
            )
        )
    for publication in publications:
        if at is None and registry.connector(publication.channel).local:
            _publish_local(publication)
        else:
            transaction.on_commit(partial(enqueue, publication.pk, at))
    return publications


def enqueue(publication_id: int, at: datetime | None = None) -> None:
    from channels.tasks import deliver_publication

    if at is not None and at > clock.now():
        deliver_publication.schedule((publication_id,), eta=at)
    else:
        deliver_publication(publication_id)


def _publish_local(publication: Publication) -> None:
    posted = registry.connector(publication.channel).publish(publication)
    _record_posted(publication, posted)


def _record_posted(publication: Publication, posted: Posted) -> None:
    publication.state = State.POSTED
    publication.external_id = posted.external_id
    publication.permalink = posted.permalink
    publication.posted_at = clock.now()
    publication.attempts += 1
    publication.lease_until = None
    publication.next_attempt_at = None
    publication.last_error = ""
    publication.save()


@dataclass(frozen=True)
class Claim:
    publication: Publication
    # The last outcome was unknown: look for the post before sending anything.
    reconcile: bool


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _released(now: datetime) -> Q:
    """Not scheduled, or its time has come."""
    return Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now)


def claim(publication_id: int, now: datetime | None = None) -> Claim | None:
    """Take the row for this worker, or None if another worker has it, it is not due, or done."""
    now = now or clock.now()
    prior = Publication.objects.filter(pk=publication_id).values_list("state", flat=True).first()
    if prior == State.QUEUED:
        due = _released(now)
    elif prior in (State.RETRY, State.UNKNOWN):
        due = _due(now)
    else:
        return None
    claimed = Publication.objects.filter(due, pk=publication_id, state=prior).update(
        state=State.SENDING, lease_until=now + LEASE
    )
    if not claimed:
        return None
    publication = Publication.objects.select_related("item", "version", "account").get(
        pk=publication_id
    )
    return Claim(publication, reconcile=prior == State.UNKNOWN)


def deliver(publication_id: int, now: datetime | None = None) -> Publication | None:
    """Claim and publish one row; returns it in its new state (None if not claimed)."""
    taken = claim(publication_id, now)
    if taken is None:
        return None
    publication = taken.publication
    connector = registry.connector(publication.channel)
    try:
        posted = connector.find(publication) if taken.reconcile else None
        if posted is None:
            _require_intact(publication)
            posted = connector.publish(publication)
    except ChannelError as exc:
        return _record_failure(publication, exc)
    with transaction.atomic():
        _record_posted(publication, posted)
        from newsroom.actions import finish_post_when_published

        finish_post_when_published(publication.item)
    return publication


def _require_intact(publication: Publication) -> None:
    """Only the verified bytes are posted: a version changed in the database is refused."""
    if not publication.version.is_intact():
        raise ChannelError(
            _(
                "This version was changed after it was verified, so it was not posted. Submit "
                "it again for correction and verification."
            ),
            permanent=True,
        )


def _record_failure(publication: Publication, exc: ChannelError) -> Publication:
    now = clock.now()
    publication.attempts += 1
    publication.lease_until = None
    publication.last_error = exc.message
    if exc.reconnect and publication.account is not None:
        _needs_reconnect(publication.account, exc.message)
    if exc.permanent:
        publication.state = State.FAILED
    elif publication.attempts >= MAX_ATTEMPTS:
        publication.state = State.FAILED
        publication.last_error = _(
            "Warta gave up after %(count)d attempts. Last error: %(error)s"
        ) % {"count": publication.attempts, "error": exc.message}
    else:
        publication.state = State.UNKNOWN if exc.unknown else State.RETRY
        publication.next_attempt_at = now + retry_delay(publication.attempts, exc.retry_after)
    if publication.state == State.FAILED:
        publication.next_attempt_at = None
    publication.save()
    return publication


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """The platform's own wait when it gave one, else exponential backoff from 30 s to 1 h."""
    if retry_after is not None and retry_after > 0:
        return min(timedelta(seconds=retry_after + 1), RETRY_AFTER_MAX)
    return min(BACKOFF_FIRST * 2 ** max(0, attempts - 1), BACKOFF_MAX)


def _needs_reconnect(account: ChannelAccount, message: str) -> None:
    ChannelAccount.objects.filter(pk=account.pk).update(
        needs_reconnect=True, status_message=message
    )


def sweep(now: datetime | None = None) -> list[int]:
    """Expired leases become unknown; returns the rows that are due for delivery now.

    Due: retries and checks whose time has come, queued rows that lost their job, and
    scheduled rows whose time has come (their own job may have been lost in a restart).
    """
    now = now or clock.now()
    Publication.objects.filter(state=State.SENDING, lease_until__lt=now).update(
        state=State.UNKNOWN,
        lease_until=None,
        next_attempt_at=now,
        last_error=_("The worker stopped while posting; Warta checks whether the post exists."),
    )
    due = Q(state__in=[State.RETRY, State.UNKNOWN]) & _due(now)
    stale = Q(state=State.QUEUED, scheduled_at__isnull=True, created_at__lt=now - STALE_QUEUED)
    scheduled = Q(state=State.QUEUED, scheduled_at__lte=now)
    rows = Publication.objects.filter(due | stale | scheduled)
    return list(rows.values_list("pk", flat=True))
