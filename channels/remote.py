"""What the connectors of remote platforms share: their account, images and errors."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from channels.base import Channel, ChannelError, Draft, Posted, Preview
from channels.models import ChannelAccount

if TYPE_CHECKING:
    import httpx

    from channels.models import Publication
    from newsroom.models import Attachment, Version


class RemoteChannel(Channel):
    # Secret names (what the admin form asks for) and config names this kind needs.
    secret_names: tuple[str, ...] = ()
    config_names: tuple[str, ...] = ()

    def account(self, publication: Publication) -> ChannelAccount:
        """The account this publication goes to (the default account for the kind if none)."""
        account = publication.account or ChannelAccount.objects.for_kind(self.kind)
        if account is None:
            raise ChannelError(
                _("No %(channel)s account is set up: an administrator adds it under Channels.")
                % {"channel": self.label},
                permanent=True,
            )
        if publication.account_id is None:
            publication.account = account
            publication.save(update_fields=["account"])
        return account

    @abstractmethod
    def text(self, draft: Draft) -> str:
        """The words this channel posts (its caption, else a default built from the draft)."""

    @abstractmethod
    def test_connection(self, account: ChannelAccount) -> str:
        """Call a harmless endpoint; a sentence saying who we are connected as (or raise)."""

    def render(self, version: Version) -> Preview:
        return Preview(text=self.text(Draft.of(version)))

    def words(self, version: Version) -> str:
        """The words this channel posts for a version (read without opening its images)."""
        return self.text(Draft(version.title, version.body, dict(version.captions or {})))

    def find_earlier(self, publication: Publication) -> Posted | None:
        """This publication's post made by an earlier attempt, if one is proven (asked when the
        platform refuses a duplicate, or says the post was made). A look-up that fails leaves
        the outcome unknown, so the next attempt looks again before sending anything."""
        try:
            return self.find(publication)
        except ChannelError as exc:
            raise ChannelError(
                exc.message, permanent=False, unknown=True, reconnect=exc.reconnect
            ) from exc

    @staticmethod
    def images(publication: Publication) -> list[Attachment]:
        return list(publication.version.images.order_by("pk"))

    @staticmethod
    def public_url(attachment: Attachment) -> str:
        return f"{settings.SITE_URL}{attachment.file.url}"

    @staticmethod
    def remember(publication: Publication, **progress: object) -> None:
        """Store remote ids at once, so a later attempt reuses them instead of redoing."""
        publication.progress = {**(publication.progress or {}), **progress}
        publication.save(update_fields=["progress"])

    @staticmethod
    def already_gone(response: httpx.Response) -> bool:
        """A DELETE answered "not found" (404) or "already deleted" (410): the post is not
        there any more (deleted by hand, or by an earlier attempt), which is what a
        retraction wants. Connectors add their platform's own way of saying so."""
        return response.status_code in (404, 410)

    def reconnect(self, account: ChannelAccount | None, detail: str = "") -> ChannelError:
        name = account.name if account else self.label
        message = _("The %(channel)s token of “%(name)s” expired or was revoked: reconnect it.") % {
            "channel": self.label,
            "name": name,
        }
        if detail:
            message = f"{message} ({detail})"
        return ChannelError(message, permanent=True, reconnect=True)
