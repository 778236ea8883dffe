"""Background jobs of the images: renditions made ahead of their use (``images.jobs``)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from images import jobs, worklock


@db_task()
def make_renditions(attachment_ids: list[int]) -> None:
    """Every missing rendition of these images; if another process keeps the machine's image
    lock too long, the job is scheduled again a few seconds later."""
    try:
        jobs.make_for(attachment_ids)
    except worklock.Busy:
        make_renditions.schedule((attachment_ids,), delay=jobs.BUSY_RETRY_SECONDS)
