"""Renditions made ahead of their use, by the worker: queued when a version with photos is
submitted, checked again at verification, and awaited before posting, so neither a reader nor a
staff page ever makes a web process decode an original.

The web process only queues (``queue``, ``queue_on_commit``, ``queue_once``) and reads the
database (``pending``); the job (``images.tasks.make_renditions``) decodes, one image at a time
per machine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection, transaction

from images import renditions

if TYPE_CHECKING:
    from newsroom.models import Attachment

log = logging.getLogger(__name__)

# An image queued because a page or a reader found it missing is not queued again for this long
# (many readers asking for one missing file make one job); after it, a job lost with a dead
# worker is queued again by the next request.
QUEUED_FOR_SECONDS = 60
POLL_SECONDS = 0.5
# How long a job waits for the machine's image lock before it is scheduled again.
JOB_LOCK_WAIT_SECONDS = 30.0
BUSY_RETRY_SECONDS = 5


def pending(attachments: Iterable[Attachment]) -> list[Attachment]:
    """The images whose renditions are not all stored yet (read from the database)."""
    return [a for a in attachments if a.kind == "image" and not renditions.ready(a)]


def queue(attachments: Iterable[Attachment]) -> None:
    """Ask the worker for the renditions of these images (at once: the rows are committed)."""
    waiting = [a.pk for a in pending(attachments)]
    if waiting:
        from images.tasks import make_renditions

        make_renditions(waiting)


def queue_once(attachments: Iterable[Attachment]) -> None:
    """``queue`` for requests that find renditions missing (readers, staff pages): an image
    queued so in the last minute is not queued again."""
    queue(a for a in pending(attachments) if cache.add(_queued_key(a), 1, QUEUED_FOR_SECONDS))


def remake(attachment: Attachment) -> None:
    """A rendition of this image is missing from storage: queue the image, even if the
    database said its renditions were all made (files lost from storage). The first request
    to find out clears that record and queues a new job; the next ones find it queued."""
    cleared = (
        type(attachment)
        .objects.filter(rendition_key=attachment.rendition_key)
        .exclude(renditions_made="")
        .update(renditions_made="")
    )
    attachment.renditions_made = ""
    if cleared:
        cache.delete(_queued_key(attachment))
    queue_once([attachment])


def _queued_key(attachment: Attachment) -> str:
    return f"images:queued:{attachment.pk}:{renditions.signature(attachment)}"


def queue_on_commit(attachments: Iterable[Attachment]) -> None:
    """``queue`` once the caller's transaction has committed (new rows the worker must see)."""
    waiting = pending(attachments)
    if waiting:
        transaction.on_commit(partial(queue, waiting))


def wait_until_ready(attachments: Iterable[Attachment], seconds: float) -> list[Attachment]:
    """Queue what is missing and wait up to ``seconds`` for the worker; returns the images
    still pending. Inside a transaction nothing is awaited: the worker's writes could not be
    seen (or, on SQLite, made) before it ends."""
    images = pending(attachments)
    if not images:
        return []
    queue(images)
    deadline = time.monotonic() + seconds
    while True:
        images = pending(type(images[0]).objects.filter(pk__in=[a.pk for a in images]))
        if not images or connection.in_atomic_block or time.monotonic() >= deadline:
            return images
        time.sleep(POLL_SECONDS)


def make_for(attachment_ids: list[int]) -> None:
    """The job's work: every missing rendition of these images, one image at a time.

    Raises ``images.worklock.Busy`` when another process keeps the machine's lock (the job is then
    scheduled again); an original that cannot be decoded is logged and skipped."""
    from newsroom.models import Attachment

    for attachment in Attachment.objects.filter(pk__in=attachment_ids).order_by("pk"):
        if renditions.ready(attachment):
            continue
        try:
            renditions.make_all(attachment, wait=JOB_LOCK_WAIT_SECONDS)
        except renditions.RenditionUnavailable:
            log.error("no renditions for attachment %s: its original cannot be read", attachment.pk)
