"""Staff pages show an image by a mid-sized rendition the worker made, never by its original
(which may be a 200-megapixel file), and say so while the renditions are being made."""

from __future__ import annotations

from django import template

from images import jobs, renditions, social
from newsroom.models import Attachment

register = template.Library()


@register.filter
def staff_preview(image: Attachment) -> renditions.Rendition | None:
    """The whole-image JPEG rendition nearest 800 px wide, or None until it is stored (then
    the image is queued for the worker, once a minute at most: an image uploaded before
    renditions were made ahead, or whose job was lost, gets them by being looked at)."""
    if not renditions.ready(image):
        jobs.queue_once([image])
        return None
    return social.preview_renditions("website", [image])[0]
