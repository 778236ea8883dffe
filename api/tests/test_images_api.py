"""Photos sent over the API: the same checks as the draft form, and published without GPS."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.testing import issue_api_token
from images import renditions
from images.tests.helpers import GPS_IFD, opened, photo
from newsroom import actions
from newsroom.models import Attachment
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


def _submit(client: Client, code: str, images: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/items/{code}/actions/submit",
        {"title": "Jembatan Diresmikan", "body": "Paragraf pertama.", "images": images},
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {issue_api_token(client, 'operator1')}",
            "Accept-Language": "id",
        },
    )


def _image(data: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "filename": "IMG_2041.JPG",
        "content_base64": base64.b64encode(data).decode(),
        "alt": "Gubernur menggunting pita",
        **extra,
    }


def test_a_photo_sent_over_the_api_is_stored_with_its_settings_and_published_without_gps(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website"]}, "submit")

    response = _submit(client, item.code, [_image(photo(1600, 1200), focal_x=0.25)])

    assert response.status_code == 200, response.content
    image = item.latest_version().images.get()
    assert (image.alt_text, image.focal_x, image.focal_y) == (
        "Gubernur menggunting pita",
        0.25,
        0.5,
    )
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    actions.post(office["operator1"], item)
    rendition = renditions.web_renditions(image)[0]
    published = client.get(rendition.url)
    assert published.status_code == 200
    data = b"".join(published.streaming_content)
    assert not opened(data).getexif().get_ifd(GPS_IFD) and b"PhoneMaker" not in data


@pytest.mark.parametrize(
    ("image", "field", "words"),
    [
        ({"content_base64": "bukan base64!"}, "images.0.content_base64", "base64"),
        ({"content_base64": base64.b64encode(b"<html><script>x</script>").decode()}, "images", ""),
        ({"alt": ""}, "images", ""),
    ],
)
def test_bad_photos_are_refused_with_a_message_and_change_nothing(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    client: Client,
    image: dict[str, Any],
    field: str,
    words: str,
) -> None:
    item = walk_to(office, assignment_data, "submit")

    response = _submit(client, item.code, [{**_image(photo(800, 600)), **image}])

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(key.startswith(field) for key in errors), errors
    assert words in " ".join(errors.values())
    assert item.versions.count() == 0 and Attachment.objects.filter(item=item).count() == 0


def _phone_photo(width: int = 5000, height: int = 4000) -> bytes:
    """A 20-megapixel JPEG of about 20 MB, as a phone camera makes (noise compresses badly)."""
    import io
    import os

    from PIL import Image

    noise = Image.frombytes("RGB", (width // 4, height // 4), os.urandom(width * height * 3 // 16))
    buffer = io.BytesIO()
    noise.resize((width, height), Image.Resampling.NEAREST).save(buffer, "JPEG", quality=97)
    return buffer.getvalue()


def _submit_files(
    client: Client, code: str, photos: list[bytes], images: list[dict[str, Any]], **data: Any
) -> Any:
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    version = {"title": "Jembatan Diresmikan", "body": "Paragraf pertama.", "images": images}
    return client.post(
        f"/api/v1/items/{code}/actions/submit/multipart",
        {
            "data": json.dumps({**version, **data}),
            "photos": [SimpleUploadedFile(f"IMG_{n}.JPG", p) for n, p in enumerate(photos)],
        },
        headers={
            "Authorization": f"Bearer {issue_api_token(client, 'operator1')}",
            "Accept-Language": "en",
        },
    )


def test_a_20_mb_phone_photo_goes_over_the_api_as_a_file(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website"]}, "submit")
    original = _phone_photo()
    assert len(original) > 20_000_000

    response = _submit_files(
        client, item.code, [original], [{"alt": "Gubernur menggunting pita", "focal_x": 0.3}]
    )

    assert response.status_code == 200, response.content
    image = item.latest_version().images.get()
    assert (image.alt_text, image.focal_x, image.size) == (
        "Gubernur menggunting pita", 0.3, len(original),
    )  # fmt: skip
    assert (image.width, image.height) == (5000, 4000)


def test_a_photo_over_the_limit_is_refused_with_413_naming_the_limit(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1_000_000
    item = walk_to(office, {**assignment_data, "channels": ["website"]}, "submit")

    response = _submit_files(client, item.code, [_phone_photo(1600, 1200)], [{"alt": "Foto"}])

    assert response.status_code == 413
    assert "each may have at most 1 MB" in response.json()["detail"]
    assert item.versions.count() == 0 and Attachment.objects.filter(item=item).count() == 0


def test_a_json_body_too_large_says_both_limits_and_where_photos_go(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website"]}, "submit")

    response = _submit(client, item.code, [_image(_phone_photo(2400, 1800))])

    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "5,2 MB" in detail or "5.2 MB" in detail
    assert "/actions/submit/multipart" in detail and "40 MB" in detail
    assert item.versions.count() == 0


def test_photos_and_their_entries_must_match_and_data_must_be_json(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website"]}, "submit")

    unmatched = _submit_files(client, item.code, [photo(), photo()], [{"alt": "Satu"}])
    assert unmatched.status_code == 400
    assert "2 files, 1 entries" in unmatched.json()["errors"]["photos"]
    no_alt = _submit_files(client, item.code, [photo()], [{"focal_x": 3}])
    assert no_alt.status_code == 400
    assert set(no_alt.json()["errors"]) == {"data.images.0.alt", "data.images.0.focal_x"}
    assert item.versions.count() == 0
