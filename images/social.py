"""The renditions the social connectors send: never the original upload (which may carry GPS
and is of any shape and size), always the metadata-free rendition cut for the platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

from images import renditions

if TYPE_CHECKING:
    from newsroom.models import Attachment


def upload_file(attachment: Attachment, use: str) -> tuple[str, bytes, str]:
    """``(file name, bytes, content type)`` for a multipart upload (Facebook, X, WordPress)."""
    rendition = renditions.social_rendition(attachment, use)
    return rendition.name, renditions.rendition_bytes(rendition), rendition.content_type


def web_file(attachment: Attachment) -> tuple[str, bytes, str]:
    """The widest whole-image JPEG rendition (for a site that shows it at its own sizes)."""
    jpegs = [r for r in renditions.web_renditions(attachment) if r.content_type == "image/jpeg"]
    rendition = max(jpegs, key=lambda r: r.width)
    return rendition.name, renditions.rendition_bytes(rendition), rendition.content_type


def instagram_url(attachment: Attachment) -> str:
    """The public URL Instagram fetches: 4:5 or 1:1 JPEG of 1080 px, chosen from the shape.

    The rendition is made here, so Instagram's fetch is served from storage at once."""
    rendition = renditions.social_rendition(attachment, renditions.instagram_use(attachment))
    renditions.rendition_bytes(rendition)
    return rendition.absolute_url()


def preview_renditions(kind: str, attachments: list[Attachment]) -> list[renditions.Rendition]:
    """What each channel will show of these images (the item page's preview per channel): the
    crop the connector sends, or for the websites a mid-sized whole-image rendition."""
    if kind == "instagram":
        return [renditions.social_rendition(a, renditions.instagram_use(a)) for a in attachments]
    if kind in ("facebook", "x"):
        return [renditions.social_rendition(a, kind) for a in attachments]
    shown = []
    for attachment in attachments:
        jpegs = [r for r in renditions.web_renditions(attachment) if r.content_type == "image/jpeg"]
        shown.append(min(jpegs, key=lambda r: abs(r.width - 800)))
    return shown
