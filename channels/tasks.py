"""Background jobs of the outbox."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from channels import outbox


@db_task()
def deliver_publication(publication_id: int) -> None:
    publication = outbox.deliver(publication_id)
    if publication is not None and publication.state == publication.State.RETRY:
        # Transient failure: back off and try again (the row stays claimable).
        deliver_publication.schedule((publication_id,), delay=60 * publication.attempts)
