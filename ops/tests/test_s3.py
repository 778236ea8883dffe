"""Media on S3-compatible storage, against moto's S3 server on localhost (real HTTP, real boto3).

The storage entry is the one warta/settings.py builds from the environment (ops/storage.py).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from accounts.models import User
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.tests.helpers import walk_to
from ops import doctor, health
from ops.backup import media_names
from ops.s3conf import s3_storage

pytestmark = pytest.mark.django_db

BUCKET = "warta-media"


@pytest.fixture
def s3(settings: Any) -> Iterator[Any]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        "WARTA_S3_BUCKET": BUCKET,
        "WARTA_S3_ENDPOINT_URL": endpoint,
        "WARTA_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "warta-test",
        "AWS_SECRET_ACCESS_KEY": "warta-test-secret",
        "WARTA_S3_PREFIX": "media",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="warta-test",
        aws_secret_access_key="warta-test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(env)}
    client.endpoint = endpoint  # type: ignore[attr-defined]
    yield client
    server.stop()


def jpeg_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (1600, 1200), (20, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def keys(client: Any) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_uploads_and_renditions_live_privately_in_the_bucket(
    s3: Any, office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    from images.renditions import rendition_bytes, social_rendition

    assert default_storage.__class__.__name__ == "PrivateS3Storage"
    original = jpeg_bytes()
    item = walk_to(office, assignment_data, "submit")
    photo = ImageUpload(SimpleUploadedFile("foto.jpg", original, "image/jpeg"), "Jembatan")
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[photo])
    attachment = version.images.get()

    # The upload is in the bucket, under the prefix, and reads back through Warta's view.
    assert f"media/{attachment.file.name}" in keys(s3)
    client.force_login(office["kasi"])
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original

    # A rendition is made from the bucket's original and stored back into the bucket.
    rendition = social_rendition(attachment, "facebook")
    made = Image.open(BytesIO(rendition_bytes(rendition)))
    assert made.size == (1200, 630)
    stored = keys(s3)
    assert len(stored) > 1
    assert all(key.startswith("media/") for key in stored)

    # Nothing is readable anonymously; the storage's own URLs are signed and do work.
    for key in stored:
        assert anonymous_status(f"{s3.endpoint}/{BUCKET}/{key}") == 403, key
    assert attachment.file.url == f"/media/{attachment.file.name}"
    signed = default_storage.signed_url(attachment.file.name)
    assert "Signature=" in signed
    assert anonymous_status(signed) == 200
    for grant in s3.get_object_acl(Bucket=BUCKET, Key=f"media/{attachment.file.name}")["Grants"]:
        assert "AllUsers" not in str(grant.get("Grantee", {}))

    # Health, doctor and backup all see the bucket.
    assert health.run("storage").ok
    assert doctor.check_storage() == "writable (PrivateS3Storage)"
    assert attachment.file.name in set(media_names())
    assert keys(s3) == stored  # the doctor's probe file was removed again


def test_the_same_name_twice_never_overwrites(s3: Any) -> None:
    from django.core.files.base import ContentFile

    first = default_storage.save("items/2026/11/a.txt", ContentFile(b"one"))
    second = default_storage.save("items/2026/11/a.txt", ContentFile(b"two"))

    assert first != second
    with default_storage.open(first, "rb") as fh:
        assert fh.read() == b"one"


def test_healthz_reports_an_unreachable_bucket(s3: Any, client: Client, settings: Any) -> None:
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "bucket_name": "gone"}},
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "fail"
