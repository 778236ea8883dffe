"""Background jobs of the outbox."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from channels import outbox, retraction
from channels.base import ChannelError
from channels.instagram.connector import InstagramChannel
from channels.models import ChannelAccount, Publication


@db_task()
def deliver_publication(publication_id: int) -> None:
    publication = outbox.deliver(publication_id)
    if publication is None or publication.next_attempt_at is None:
        return
    if publication.state in (Publication.State.RETRY, Publication.State.UNKNOWN):
        # Try again when due (a retry, or a check whether an unknown outcome was posted).
        deliver_publication.schedule((publication_id,), eta=publication.next_attempt_at)


@db_task()
def retract_publication(publication_id: int) -> None:
    publication = retraction.retract(publication_id)
    if publication is not None and publication.next_attempt_at is not None:
        retract_publication.schedule((publication_id,), eta=publication.next_attempt_at)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: recover rows whose worker died and rows whose scheduled job was lost
    (posts due at their scheduled time, takedowns still to do)."""
    for publication_id in outbox.sweep():
        deliver_publication(publication_id)
    for publication_id in retraction.sweep():
        retract_publication(publication_id)


@db_periodic_task(crontab(day_of_week="1", hour="3", minute="17"))
def refresh_instagram_tokens() -> None:
    """Weekly: Instagram Login tokens expire after 60 days unless exchanged for fresh ones."""
    connector = InstagramChannel()
    for account in ChannelAccount.objects.filter(kind="instagram", active=True):
        try:
            connector.refresh_token(account)
        except ChannelError as exc:
            ChannelAccount.objects.filter(pk=account.pk).update(
                needs_reconnect=exc.reconnect or account.needs_reconnect,
                status_message=exc.message,
            )
