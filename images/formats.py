"""Image formats Pillow should open: phone HEIC/HEIF photos through pillow-heif."""

from __future__ import annotations

import warnings
from functools import cache


@cache
def register() -> None:
    """Register the HEIF opener once per process (idempotent, cheap after the first call)."""
    from django.conf import settings
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Pillow refuses (DecompressionBombError) above twice this; uploads check it exactly, so
    # its warning between once and twice the limit says nothing more.
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
