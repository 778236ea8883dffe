"""Posting through the outbox: rows written with the action, delivered by the worker.

A worker claims a row with a conditional update (queued/retry -> sending, with a lease), so two
workers never deliver the same publication.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction

from channels import registry
from channels.base import ChannelError, Posted
from channels.models import Publication
from lib import clock
from newsroom.models import Version

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def create_publications(version: Version, kinds: list[str]) -> list[Publication]:
    """Write one row per channel in the caller's transaction; deliver local channels now and
    enqueue the others once the transaction commits."""
    publications = [
        Publication.objects.create(item=version.item, version=version, channel=kind)
        for kind in kinds
    ]
    for publication in publications:
        if registry.connector(publication.channel).local:
            _publish_local(publication)
        else:
            transaction.on_commit(partial(_enqueue, publication.pk))
    return publications


def _enqueue(publication_id: int) -> None:
    from channels.tasks import deliver_publication

    deliver_publication(publication_id)


def _publish_local(publication: Publication) -> None:
    posted = registry.connector(publication.channel).publish(publication)
    _record_posted(publication, posted)


def _record_posted(publication: Publication, posted: Posted) -> None:
    publication.state = Publication.State.POSTED
    publication.external_id = posted.external_id
    publication.permalink = posted.permalink
    publication.posted_at = clock.now()
    publication.attempts += 1
    publication.lease_until = None
    publication.last_error = ""
    publication.save()


def claim(publication_id: int) -> Publication | None:
    """Take the row for this worker, or None if another worker has it or it is done."""
    now = clock.now()
    claimed = Publication.objects.filter(
        pk=publication_id, state__in=[Publication.State.QUEUED, Publication.State.RETRY]
    ).update(state=Publication.State.SENDING, lease_until=now + LEASE)
    if not claimed:
        return None
    return Publication.objects.select_related("item", "version").get(pk=publication_id)


def deliver(publication_id: int) -> Publication | None:
    """Claim and publish one row; returns it in its new state (None if not claimed)."""
    publication = claim(publication_id)
    if publication is None:
        return None
    try:
        posted = registry.connector(publication.channel).publish(publication)
    except ChannelError as exc:
        publication.attempts += 1
        publication.last_error = exc.message
        publication.lease_until = None
        give_up = exc.permanent or publication.attempts >= MAX_ATTEMPTS
        publication.state = Publication.State.FAILED if give_up else Publication.State.RETRY
        publication.save()
        return publication
    with transaction.atomic():
        _record_posted(publication, posted)
        from newsroom.actions import finish_post_when_published

        finish_post_when_published(publication.item)
    return publication
