"""Upload checks: size limit and the real type, read from the content, never the file name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_size(upload: UploadedFile) -> int:
    size = upload.size or 0
    if size == 0:
        raise UploadRejected(_("The file “%(name)s” is empty.") % {"name": upload.name})
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise UploadRejected(
            _("The file “%(name)s” is too large (%(size)s MB; at most %(limit)s MB).")
            % {"name": upload.name, "size": round(size / 1e6, 1), "limit": round(limit / 1e6)}
        )
    return size


def check_image(upload: UploadedFile) -> CheckedFile:
    """Accept a JPEG, PNG or WebP image whose content really is one."""
    size = _check_size(upload)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UploadRejected(
            _("The file “%(name)s” is not a JPEG, PNG or WebP image.") % {"name": upload.name}
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_TYPES:
        raise UploadRejected(
            _("The file “%(name)s” is not a JPEG, PNG or WebP image.") % {"name": upload.name}
        )
    return CheckedFile(
        upload, upload.name or "image", IMAGE_TYPES[image_format], size, _digest(upload)
    )


def check_document(upload: UploadedFile) -> CheckedFile:
    """Accept a PDF or an image as an assignment attachment."""
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        size = _check_size(upload)
        return CheckedFile(
            upload, upload.name or "document.pdf", "application/pdf", size, _digest(upload)
        )
    try:
        return check_image(upload)
    except UploadRejected as exc:
        raise UploadRejected(
            _("The file “%(name)s” is not a PDF or an image (JPEG, PNG, WebP).")
            % {"name": upload.name}
        ) from exc
