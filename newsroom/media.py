"""Uploaded files (originals), for signed-in staff only: assignment documents, draft and
posted images. The public sees images only as renditions (images.views, /gambar/...): upright,
without EXIF/GPS, at stable cache-forever URLs. Report exports have their own view."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from newsroom.models import Attachment


def attachment_file(request: HttpRequest, path: str) -> FileResponse:
    attachment = Attachment.objects.filter(file=path).first()
    if attachment is None or not request.user.is_authenticated:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
