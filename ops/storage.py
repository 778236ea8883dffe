"""The media storage on S3-compatible object storage, from the environment.

Every object is private. ``url()`` answers Warta's own ``/media/<name>`` address, as the local
storage does: the same permission-checked views serve the files (uploaded originals only to
staff; a posted image's metadata-free renditions, under /gambar/, to anyone), pages keep
working under the CSP (``img-src 'self'``), cached public pages never hold an expiring link, and
nginx or a CDN can cache what the view marks public. A direct, signed and expiring link to the
bucket is there for who needs one: ``signed_url()``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(
        self,
        name: str,
        parameters: Any = None,
        expire: Any = None,
        http_method: Any = None,
    ) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def signed_url(self, name: str, expire: int | None = None) -> str:
        """A link straight to the bucket, signed and valid for ``expire`` seconds."""
        return str(super().url(name, expire=expire))
