"""The ``STORAGES["default"]`` entry for S3-compatible media, from the environment.

Imported by warta/settings.py, so it imports nothing (boto3 loads only when S3 is used); the
storage class itself is ops.storage.PrivateS3Storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def s3_storage(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``STORAGES["default"]`` entry for ``WARTA_S3_BUCKET``, or None without a bucket."""
    bucket = env.get("WARTA_S3_BUCKET", "")
    if not bucket:
        return None
    return {
        "BACKEND": "ops.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("WARTA_S3_ENDPOINT_URL") or None,
            "region_name": env.get("WARTA_S3_REGION") or None,
            "access_key": env.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": env.get("WARTA_S3_PREFIX", ""),
            "custom_domain": env.get("WARTA_S3_CUSTOM_DOMAIN") or None,
            "addressing_style": env.get("WARTA_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(env.get("WARTA_S3_URL_EXPIRE", "600")),
            # Two uploads of the same name never overwrite each other (Django's own rule).
            "file_overwrite": False,
        },
    }
