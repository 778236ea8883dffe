"""Queue the renditions of every image of a posted (or scheduled) version that the database
does not record as made: after upgrading from lazily made renditions, or after losing the
rendition files, so that no reader finds one missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from images import jobs
from newsroom.models import Attachment


class Command(BaseCommand):
    help = "Queue for the worker the missing renditions of the images of posted versions."

    def handle(self, *args: Any, **options: Any) -> None:
        published = Attachment.objects.filter(
            kind=Attachment.Kind.IMAGE, versions__publications__isnull=False
        ).distinct()
        waiting = jobs.pending(published)
        jobs.queue(waiting)
        self.stdout.write(f"{len(waiting)} images queued for their renditions")
