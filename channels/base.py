"""The contract every channel connector keeps (website, Facebook, Instagram, X, WordPress...)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.functional import Promise
from django.utils.html import strip_tags

if TYPE_CHECKING:
    from channels.models import Publication
    from newsroom.models import Version


class ChannelError(Exception):
    """A failed call to a channel, with a sentence a person can act on.

    ``permanent`` errors are not retried (fix the cause first); transient ones are, after
    ``retry_after`` seconds when the platform says how long. ``unknown`` means the request may
    have reached the platform (a timeout after sending, a 5xx to a POST): the outbox must look
    for the post before sending again. ``reconnect`` means the account's token is no good.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        unknown: bool = False,
        reconnect: bool = False,
    ) -> None:
        super().__init__(message)
        self.message, self.permanent, self.retry_after = message, permanent, retry_after
        self.unknown, self.reconnect = unknown, reconnect


@dataclass(frozen=True)
class Posted:
    external_id: str
    permalink: str


class Correction(StrEnum):
    """How a corrected version replaces the version that is online on a platform."""

    # The platform edits the post in place: same post, same link, new content.
    UPDATE = "update"
    # The old post is deleted, then the new version is posted.
    REPLACE = "replace"
    # The platform cannot delete through its API: the new version is posted and a person
    # takes the old post down by hand (a task with the old link).
    MANUAL = "manual"


@dataclass(frozen=True)
class Preview:
    text: str
    truncated_at: int | None = None


@dataclass(frozen=True)
class ImageFacts:
    """What the platforms' image rules need (0 where it could not be read)."""

    alt_text: str = ""
    content_type: str = ""
    width: int = 0
    height: int = 0
    size: int = 0


def _read_facts(fh: Any, alt_text: str, content_type: str, size: int) -> ImageFacts:
    """Dimensions from the image header (Pillow reads no pixels); the position is kept."""
    from PIL import Image, UnidentifiedImageError

    width = height = 0
    position = fh.tell() if hasattr(fh, "tell") else None
    try:
        with Image.open(fh) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    finally:
        if position is not None:
            fh.seek(position)
    return ImageFacts(alt_text, content_type, width, height, size)


@dataclass(frozen=True)
class Draft:
    """What a connector checks: the content of a version, or of one about to be submitted."""

    title: str
    body: str  # sanitised HTML
    captions: dict[str, str] = field(default_factory=dict)
    images: list[ImageFacts] = field(default_factory=list)

    @classmethod
    def of(cls, version: Version) -> Draft:
        return cls(
            title=version.title,
            body=version.body,
            captions=dict(version.captions or {}),
            images=[_attachment_facts(a) for a in version.images.order_by("pk")],
        )

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Draft:
        """From submitted fields; each image a dict (alt_text, content_type, width, height,
        size) or an upload such as ``newsroom.actions.ImageUpload`` (read with Pillow)."""
        return cls(
            title=str(fields.get("title") or ""),
            body=str(fields.get("body") or ""),
            captions=dict(fields.get("captions") or {}),
            images=[_image_facts(i) for i in fields.get("images") or []],
        )

    def plain_body(self) -> str:
        text = strip_tags(self.body.replace("</p>", "</p>\n\n").replace("<br>", "\n"))
        return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip())

    def caption_for(self, kind: str, default: str) -> str:
        return (self.captions.get(kind) or "").strip() or default


class Channel(ABC):
    """Base connector. ``local`` connectors write only to Warta's own database, so they are
    published inside the posting transaction; the others go through the outbox worker."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    local: ClassVar[bool] = False

    def validate(self, version: Version) -> list[str]:
        """Problems that would stop this version from being posted here (empty: fine)."""
        return self.check(Draft.of(version))

    def check(self, draft: Draft) -> list[str]:
        """Problems with this content for this channel (used at submit time and at posting)."""
        return []

    @abstractmethod
    def render(self, version: Version) -> Preview:
        """Exactly what this channel will show of the version (the item page's preview)."""

    @abstractmethod
    def publish(self, publication: Publication) -> Posted:
        """Post it; raise ChannelError (permanent, transient or unknown) when that fails."""

    @abstractmethod
    def find(self, publication: Publication) -> Posted | None:
        """The post made for this publication, if the platform has it (for reconciliation)."""

    @abstractmethod
    def retract(self, publication: Publication) -> str:
        """Take the post down (a post already gone counts as taken down); a sentence saying
        what else went with it ("" when nothing did)."""

    # Corrections: how a newer version replaces this channel's live post (docs/channels.md).
    correction_policy: ClassVar[Correction] = Correction.REPLACE

    def correction(self, publication: Publication, live: Publication) -> Correction:
        """How ``publication`` replaces ``live`` (the older version online here). A post
        recorded by hand has no id Warta could edit or delete: a person takes it down."""
        if not live.external_id and not self.local:
            return Correction.MANUAL
        return self.correction_policy

    def update(self, publication: Publication, live: Publication) -> Posted:
        """Put the new version into the live post (only for ``Correction.UPDATE``)."""
        raise NotImplementedError(f"{self.kind} does not update posts in place")


def _attachment_facts(attachment: Any) -> ImageFacts:
    try:
        with attachment.file.open("rb") as fh:
            return _read_facts(fh, attachment.alt_text, attachment.content_type, attachment.size)
    except OSError:
        return ImageFacts(attachment.alt_text, attachment.content_type, size=attachment.size)


def _image_facts(image: Any) -> ImageFacts:
    if isinstance(image, dict):
        return ImageFacts(
            alt_text=str(image.get("alt_text", "")),
            content_type=str(image.get("content_type", "")),
            width=int(image.get("width") or 0),
            height=int(image.get("height") or 0),
            size=int(image.get("size") or 0),
        )
    upload = getattr(image, "file", image)
    content_type = getattr(image, "content_type", None) or getattr(upload, "content_type", "")
    alt_text = str(getattr(image, "alt_text", ""))
    size = int(getattr(upload, "size", 0) or 0)
    if hasattr(upload, "read"):
        return _read_facts(upload, alt_text, str(content_type or ""), size)
    return ImageFacts(alt_text, str(content_type or ""), size=size)
