"""The contract every channel connector keeps (website, Facebook, Instagram, X, WordPress...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.utils.functional import Promise

if TYPE_CHECKING:
    from channels.models import Publication
    from newsroom.models import Version


class ChannelError(Exception):
    """A failed call to a channel, with a sentence a person can act on.

    ``permanent`` errors are not retried (fix the cause first); transient ones are.
    """

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.permanent, self.retry_after = message, permanent, retry_after


@dataclass(frozen=True)
class Posted:
    external_id: str
    permalink: str


@dataclass(frozen=True)
class Preview:
    text: str
    truncated_at: int | None = None


class Channel:
    """Base connector. ``local`` connectors write only to Warta's own database, so they are
    published inside the posting transaction; the others go through the outbox worker."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    local: ClassVar[bool] = False

    def validate(self, version: Version) -> list[str]:
        """Problems that would stop this version from being posted here (empty: fine)."""
        return []

    def render(self, version: Version) -> Preview:
        raise NotImplementedError

    def publish(self, publication: Publication) -> Posted:
        raise NotImplementedError

    def find(self, publication: Publication) -> Posted | None:
        """The post made for this publication, if the platform has it (for reconciliation)."""
        raise NotImplementedError

    def retract(self, publication: Publication) -> None:
        raise NotImplementedError
