"""Renditions at stable public URLs: forever-cacheable once the image is in a posted version,
otherwise only for signed-in staff (previews on the item page). Originals are never served
here (see newsroom.media for the staff-only originals)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from channels.models import Publication
from images import renditions

PUBLIC_CACHE = "public, max-age=31536000, immutable"


# A version being posted is public too: Instagram fetches the image while its post is sending.
# (Queued posts may be scheduled for later, so their images stay private until then.)
PUBLIC_STATES = (
    Publication.State.POSTED,
    Publication.State.SENDING,
    Publication.State.RETRY,
    Publication.State.UNKNOWN,
)


def is_public(key: str) -> bool:
    """Whether an image with this rendition key is in a version posted (or being posted)."""
    return Publication.objects.filter(
        version__images__rendition_key=key, state__in=PUBLIC_STATES
    ).exists()


def rendition(request: HttpRequest, name: str) -> FileResponse:
    parsed = renditions.parse(name)
    if parsed is None:
        raise Http404
    public = is_public(parsed[0])
    if not public and not request.user.is_authenticated:
        raise Http404
    try:
        storage_name = renditions.ensure(name)
        handle = default_storage.open(storage_name, "rb")
    except (renditions.RenditionUnavailable, FileNotFoundError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=parsed[2])
    response["Cache-Control"] = PUBLIC_CACHE if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
