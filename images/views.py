"""Renditions at stable public URLs: forever-cacheable once the image is in a posted version,
otherwise only for signed-in staff (previews on the item page). Originals are never served
here (see newsroom.media for the staff-only originals).

This view only serves what the worker has stored (``images.jobs``): it never decodes an
original. A rendition not stored yet is asked of the worker and answered with 503 and
``Retry-After``, never cached."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from channels.models import Publication
from images import jobs, renditions

PUBLIC_CACHE = "public, max-age=31536000, immutable"
RETRY_AFTER_SECONDS = 10


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


def rendition(request: HttpRequest, name: str) -> HttpResponseBase:
    parsed = renditions.parse(name)
    if parsed is None:
        raise Http404
    public = is_public(parsed[0])
    if not public and not request.user.is_authenticated:
        raise Http404
    try:
        attachment, storage_name = renditions.locate(name)
    except renditions.RenditionUnavailable as exc:
        raise Http404 from exc
    try:
        handle = default_storage.open(storage_name, "rb")
    except FileNotFoundError:
        jobs.remake(attachment)
        return _being_made()
    response = FileResponse(handle, content_type=parsed[2])
    response["Cache-Control"] = PUBLIC_CACHE if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _being_made() -> HttpResponse:
    response = HttpResponse(
        _("This image is being prepared. Try again in a moment."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
