"""Posting through the outbox: rows written with the action, delivered by the worker.

A worker claims a row with a conditional update (queued/retry/unknown -> sending, with a lease),
so two workers never deliver the same publication. Each attempt ends in one of:

- posted: the platform answered with the post (external id, permalink);
- retry: a transient error; the next attempt waits (the platform's retry_after, else backoff);
- failed: a permanent error, with a sentence a person can act on;
- unknown: the request may have reached the platform (a timeout after sending, a 5xx to a
  POST, a 2xx that is not the platform's answer). The next attempt first asks the platform for
  the post (``find``) and sends again only if the platform says it is not there: a retry never
  posts twice. A look-up that fails proves nothing, so the row stays unknown until a look-up
  answers (found: posted; not found: send).

No row is ``posted`` without the platform's id and link, and none stays ``sending`` because a
connector raised: an unexpected exception leaves the row unknown (looked up first) and is
raised again for the log. The sweeper turns expired leases (a worker that died mid-job) into
unknown and hands every due row back to the worker.

Corrections: a row for a newer version of an item ``replaces`` the row of the version that is
online on that channel; delivering it follows the connector's ``Correction`` policy (update the
post in place, delete it and post anew, or post anew and leave the old post to a person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from channels import evidence, registry
from channels.base import Channel, ChannelError, Correction, Posted
from channels.models import ChannelAccount, Publication, RetractReason
from lib import clock
from newsroom.models import Item, Version

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
    then, and the sweeper releases it when due if the scheduled job was lost. A row for a
    channel where an older version of the item is online ``replaces`` that version's row.
    """
    publications = []
    for kind in kinds:
        local = registry.connector(kind).local
        account = None if local else ChannelAccount.objects.for_kind(kind)
        publications.append(
            Publication.objects.create(
                item=version.item,
                version=version,
                channel=kind,
                account=account,
                scheduled_at=at,
                replaces=_online(version.item).filter(channel=kind).order_by("-pk").first(),
            )
        )
    for publication in publications:
        if at is None and registry.connector(publication.channel).local:
            _publish_local(publication)
        else:
            transaction.on_commit(partial(enqueue, publication.pk, at))
    return publications


def _online(item: Item) -> QuerySet[Publication]:
    """The item's rows whose version is on its platform now (and not being taken down)."""
    return Publication.objects.filter(
        item=item,
        state=State.POSTED,
        superseded_at__isnull=True,
        retract_requested_at__isnull=True,
    )


def with_online_channels(item: Item, kinds: list[str]) -> list[str]:
    """``kinds`` plus every channel where an older version of the item is online: a
    correction reaches every channel the item is on, so no old version stays up silently."""
    online = [k for k in _online(item).values_list("channel", flat=True) if k not in kinds]
    return [*kinds, *dict.fromkeys(online)]


def enqueue(publication_id: int, at: datetime | None = None) -> None:
    from channels.tasks import deliver_publication

    if at is not None and at > clock.now():
        deliver_publication.schedule((publication_id,), eta=at)
    else:
        deliver_publication(publication_id)


def _publish_local(publication: Publication) -> None:
    connector = registry.connector(publication.channel)
    live = _replaced(publication)
    posted = connector.publish(publication)
    _record_posted(publication, posted)
    if live is not None:
        _settle_correction(publication, live, connector.correction(publication, live))


def _record_posted(publication: Publication, posted: Posted) -> None:
    evidence.close_window(publication, uncertain=False)
    publication.state = State.POSTED
    publication.external_id = posted.external_id
    publication.permalink = posted.permalink
    publication.posted_at = clock.now()
    publication.attempts += 1
    publication.lease_until = None
    publication.next_attempt_at = None
    publication.last_error = ""
    publication.save()


def _require_real(publication: Publication, posted: Posted) -> None:
    """A post is recorded only with the platform's id and a web link to it."""
    try:
        if not posted.external_id:
            raise ValidationError("no id")
        URLValidator(schemes=["http", "https"])(posted.permalink)
    except ValidationError:
        raise ChannelError(
            _(
                "%(channel)s answered without the post's id or link, so Warta does not count it "
                "as posted; it checks whether the post exists before sending again."
            )
            % {"channel": registry.label(publication.channel)},
            permanent=False,
            unknown=True,
        ) from None


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


def _read_state(publication_id: int) -> str | None:
    """The row's state as a worker reads it before claiming (another may claim meanwhile)."""
    return Publication.objects.filter(pk=publication_id).values_list("state", flat=True).first()


def claim(publication_id: int, now: datetime | None = None) -> Claim | None:
    """Take the row for this worker, or None if another worker has it, it is not due, or done.

    The state read first may be stale by the time of the update (another worker claimed the row
    meanwhile): the update is conditional on that state, so only one worker ever wins.
    """
    now = now or clock.now()
    prior = _read_state(publication_id)
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
    publication = Publication.objects.select_related("item", "version", "account", "replaces").get(
        pk=publication_id
    )
    evidence.open_window(publication)
    publication.save(update_fields=["progress"])
    return Claim(publication, reconcile=prior == State.UNKNOWN)


def deliver(publication_id: int, now: datetime | None = None) -> Publication | None:
    """Claim and publish one row; returns it in its new state (None if not claimed)."""
    taken = claim(publication_id, now)
    if taken is None:
        return None
    publication = taken.publication
    connector = registry.connector(publication.channel)
    looking = taken.reconcile
    try:
        posted = connector.find(publication) if looking else None
        looking = False
        if posted is None and taken.reconcile and publication.attempts >= MAX_ATTEMPTS:
            return _give_up(publication)
        live = _replaced(publication)
        if posted is None:
            posted = _send(connector, publication, live)
        _require_real(publication, posted)
    except ChannelError as exc:
        if looking:
            return _record_failed_look_up(publication, exc)
        return _record_failure(publication, exc)
    except BaseException:
        # A bug in a connector (or a worker stopped mid-call): the post may exist, so the row
        # becomes unknown at once instead of sitting in "sending" until its lease runs out.
        _record_crash(publication)
        raise
    with transaction.atomic():
        _record_posted(publication, posted)
        if live is not None:
            _settle_correction(publication, live, connector.correction(publication, live))
        from newsroom.actions import finish_post_when_published

        finish_post_when_published(publication.item)
    return publication


def _send(connector: Channel, publication: Publication, live: Publication | None) -> Posted:
    """Post the row's version, replacing ``live`` (the older version online) if there is one."""
    _require_intact(publication)
    if live is None:
        return connector.publish(publication)
    policy = connector.correction(publication, live)
    if policy == Correction.UPDATE:
        return connector.update(publication, live)
    if policy == Correction.REPLACE:
        _take_down(connector, live, publication)
    return connector.publish(publication)


def _replaced(publication: Publication) -> Publication | None:
    """The older version's row this one replaces, while that version is still online."""
    if publication.replaces_id is None:
        return None
    live = Publication.objects.select_related("item", "version", "account").get(
        pk=publication.replaces_id
    )
    online = live.state == State.POSTED and live.retract_requested_at is None
    return live if online and live.superseded_at is None else None


def _take_down(connector: Channel, live: Publication, publication: Publication) -> None:
    """Delete the older version's post before posting the new one (``Correction.REPLACE``).

    A transient error stops the attempt (nothing of the new version is sent yet); a permanent
    one leaves the old post to a person, with its link, and the new version is posted.
    """
    try:
        note = connector.retract(live)
    except ChannelError as exc:
        if not exc.permanent:
            raise
        _leave_to_person(live, publication, _("Not taken down: %(error)s") % {"error": exc.message})
        return
    now = clock.now()
    live.state, live.retracted_at, live.superseded_at = State.RETRACTED, now, now
    live.retract_reason, live.retract_requested_at = RetractReason.CORRECTION, now
    live.progress = {**(live.progress or {}), "note": note} if note else live.progress
    live.lease_until = live.next_attempt_at = None
    live.save()


def _leave_to_person(live: Publication, publication: Publication, message: str) -> None:
    now = clock.now()
    live.superseded_at = live.retract_requested_at = now
    live.retract_reason, live.manual_takedown = RetractReason.CORRECTION, True
    live.last_error = message
    live.save()


def _settle_correction(publication: Publication, live: Publication, policy: Correction) -> None:
    """The newer version is posted: the older row is no longer what the channel shows."""
    live.refresh_from_db()
    if live.superseded_at is not None:
        return  # deleted, or left to a person, before the new version was posted
    if policy == Correction.MANUAL:
        _leave_to_person(
            live,
            publication,
            _(
                "Version %(new)d replaces this post, but %(channel)s does not let Warta delete "
                "it: delete it by hand, then press “It has been deleted”."
            )
            % {"new": publication.version.number, "channel": registry.label(live.channel)},
        )
        return
    live.superseded_at = clock.now()
    live.save(update_fields=["superseded_at"])


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


def _finish_attempt(publication: Publication, *, uncertain: bool) -> None:
    evidence.close_window(publication, uncertain=uncertain)
    publication.attempts += 1
    publication.lease_until = None


def _record_failure(publication: Publication, exc: ChannelError) -> Publication:
    now = clock.now()
    _finish_attempt(publication, uncertain=exc.unknown)
    publication.last_error = exc.message
    if exc.reconnect and publication.account is not None:
        _needs_reconnect(publication.account, exc.message)
    if exc.unknown:
        # The post may exist: only a look-up can settle it, never giving up nor a plain retry.
        publication.state = State.UNKNOWN
        publication.next_attempt_at = now + retry_delay(publication.attempts, exc.retry_after)
    elif exc.permanent:
        publication.state = State.FAILED
    elif publication.attempts >= MAX_ATTEMPTS:
        publication.state = State.FAILED
        publication.last_error = _(
            "Warta gave up after %(count)d attempts. Last error: %(error)s"
        ) % {"count": publication.attempts, "error": exc.message}
    else:
        publication.state = State.RETRY
        publication.next_attempt_at = now + retry_delay(publication.attempts, exc.retry_after)
    if publication.state == State.FAILED:
        publication.next_attempt_at = None
    publication.save()
    return publication


def _record_failed_look_up(publication: Publication, exc: ChannelError) -> Publication:
    """The look-up failed: that proves nothing, so the row stays unknown and nothing is sent."""
    _finish_attempt(publication, uncertain=False)
    if exc.reconnect and publication.account is not None:
        _needs_reconnect(publication.account, exc.message)
    publication.state = State.UNKNOWN
    publication.last_error = _(
        "Warta could not check whether the post exists (%(error)s); it checks again before "
        "sending anything."
    ) % {"error": exc.message}
    publication.next_attempt_at = clock.now() + retry_delay(publication.attempts, exc.retry_after)
    publication.save()
    return publication


def _give_up(publication: Publication) -> Publication:
    """Enough attempts: the platform answered that the post is not there, so none is sent."""
    _finish_attempt(publication, uncertain=False)
    publication.state = State.FAILED
    publication.next_attempt_at = None
    publication.last_error = _(
        "Warta gave up after %(count)d attempts; the post is not on the platform. Last error: "
        "%(error)s"
    ) % {"count": publication.attempts, "error": publication.last_error}
    publication.save()
    return publication


def _record_crash(publication: Publication) -> None:
    _finish_attempt(publication, uncertain=True)
    publication.state = State.UNKNOWN
    publication.last_error = _(
        "Warta hit an internal error while posting; it checks whether the post exists before "
        "sending again."
    )
    publication.next_attempt_at = clock.now() + retry_delay(publication.attempts, None)
    publication.save()


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
