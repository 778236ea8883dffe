"""Uploaded files, served with a permission check: a posted image is public, the rest is for
signed-in staff only (assignment documents, drafts). Report exports have their own view."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from channels.models import Publication
from newsroom.models import Attachment


def attachment_file(request: HttpRequest, path: str) -> FileResponse:
    attachment = Attachment.objects.filter(file=path).first()
    if attachment is None:
        raise Http404
    posted = Publication.objects.filter(
        version__images=attachment, state=Publication.State.POSTED
    ).exists()
    if not posted and not request.user.is_authenticated:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Cache-Control"] = "public, max-age=86400" if posted else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
