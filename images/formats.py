"""Image formats Pillow should open: phone HEIC/HEIF photos through pillow-heif."""

from __future__ import annotations

from functools import cache


@cache
def register() -> None:
    """Register the HEIF opener once per process (idempotent, cheap after the first call)."""
    from django.conf import settings
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Pillow refuses (DecompressionBombError) above twice this; uploads check it exactly.
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
