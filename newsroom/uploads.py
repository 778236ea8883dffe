"""Upload checks: size limit and the real type, read from the content, never the file name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from images import decode

IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heif",  # pillow-heif names HEIC photos HEIF
}


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str
    width: int = 0  # images: as displayed (EXIF orientation applied)
    height: int = 0


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


def _not_an_image(upload: UploadedFile) -> UploadRejected:
    return UploadRejected(
        _("The file “%(name)s” is not a JPEG, PNG or WebP image.") % {"name": upload.name}
    )


def _looks_like_markup(upload: UploadedFile) -> bool:
    """HTML, SVG or script text dressed up as a picture (a polyglot named .jpg)."""
    head = upload.read(1024).lstrip().lower()
    upload.seek(0)
    return head.startswith((b"<", b"\xef\xbb\xbf<")) or any(
        marker in head for marker in (b"<html", b"<script", b"<!doctype", b"<svg", b"<body")
    )


def _too_many_pixels(upload: UploadedFile, pixels: int, *, heic: bool = False) -> UploadRejected:
    """Over the pixel limit (or HEIC's lower one: HEIC is decoded whole, see images.decode)."""
    if heic:
        limit = settings.HEIC_MAX_PIXELS
        message = _(
            "The HEIC photo “%(name)s” is too large (%(pixels)s megapixels; HEIC photos at most "
            "%(limit)s). Send it as JPEG (the phone's “most compatible” format) or smaller."
        )
    else:
        limit = settings.IMAGE_MAX_PIXELS
        message = _(
            "The image “%(name)s” has too many pixels (%(pixels)s megapixels; at most "
            "%(limit)s). Send a smaller photo."
        )
    return UploadRejected(
        message % {"name": upload.name, "pixels": _megapixels(pixels), "limit": _megapixels(limit)}
    )


def _megapixels(pixels: int) -> str:
    """Whole megapixels ("211"), with one decimal below ten ("1.9", "0.4")."""
    if pixels >= 10_000_000:
        return str(round(pixels / 1e6))
    return f"{pixels / 1e6:.1f}".removesuffix(".0")


def _decode(upload: UploadedFile) -> tuple[str, int, int]:
    """Format and upright size, after decoding every pixel once (a cut-off file fails here).

    The type and the pixel count come from the header, before any pixel is decoded; then the
    whole picture is decoded as a stream in bounded memory (``images.decode``: JPEGs at 1/8
    scale, every byte still read), so the web process never holds the full-size bitmap."""
    header = decode.read_header(upload)
    if header.format not in IMAGE_TYPES:
        raise _not_an_image(upload)
    if header.pixels > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(upload, header.pixels)
    if header.format == "HEIF" and header.pixels > settings.HEIC_MAX_PIXELS:
        raise _too_many_pixels(upload, header.pixels, heic=True)
    with decode.local_source(upload) as source:
        decode.check_whole(source, header)
    width, height = header.upright
    return header.format, width, height


def check_image(upload: UploadedFile) -> CheckedFile:
    """Accept a JPEG, PNG, WebP or HEIC/HEIF image whose content really is one, whole, and of
    a sane number of pixels. Nothing the browser said (name, type, earlier scaling) counts."""
    size = _check_size(upload)
    if _looks_like_markup(upload):
        raise _not_an_image(upload)
    try:
        image_format, width, height = _decode(upload)
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(found[1]) if found else settings.IMAGE_MAX_PIXELS * 2
        raise _too_many_pixels(upload, pixels) from exc
    except (UnidentifiedImageError, SyntaxError) as exc:
        raise _not_an_image(upload) from exc
    except (decode.DamagedImage, OSError) as exc:
        raise UploadRejected(
            _(
                "The image “%(name)s” is incomplete or damaged (the upload may have been cut "
                "off). Send it again."
            )
            % {"name": upload.name}
        ) from exc
    finally:
        upload.seek(0)
    return CheckedFile(
        upload,
        upload.name or "image",
        IMAGE_TYPES[image_format],
        size,
        _digest(upload),
        width,
        height,
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
