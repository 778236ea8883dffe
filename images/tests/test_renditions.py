"""Renditions: sizes and shapes, orientation, no metadata left, focal point, watermark."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from images import renditions
from images.privacy import ImageSettings
from images.tests.helpers import GPS_IFD, opened, photo
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.models import Attachment
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


def _submitted(
    office: dict[str, User], data: dict[str, Any], image: bytes, **settings: Any
) -> Attachment:
    item = walk_to(office, data, "submit")
    upload = ImageUpload(
        SimpleUploadedFile("foto.jpg", image, "image/jpeg"),
        "Foto kegiatan",
        ImageSettings(**settings),
    )
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[upload])
    return version.images.get()


def _no_metadata(data: bytes) -> None:
    image = opened(data)
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
        assert key not in image.info, key
    assert b"secret" not in data and b"xmpmeta" not in data and b"PhoneMaker" not in data


def test_every_rendition_has_its_size_shape_and_no_metadata(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    attachment = _submitted(office, assignment_data, photo(3000, 2000))
    web = renditions.web_renditions(attachment)
    assert [(r.width, r.content_type) for r in web] == [
        (w, t) for t in ("image/webp", "image/jpeg") for w in (480, 800, 1200, 1600)
    ]
    for rendition in web:
        data = renditions.rendition_bytes(rendition)
        image = opened(data)
        assert image.size == (rendition.width, rendition.height)
        assert rendition.height == round(rendition.width * 2 / 3)
        assert image.format == ("WEBP" if rendition.content_type == "image/webp" else "JPEG")
        assert rendition.url.startswith("/gambar/") and attachment.rendition_key in rendition.url
        _no_metadata(data)
    for use, size in renditions.SOCIAL_SIZES.items():
        rendition = renditions.social_rendition(attachment, use)
        data = renditions.rendition_bytes(rendition.url)
        image = opened(data)
        assert image.format == "JPEG" and image.size == size == (rendition.width, rendition.height)
        _no_metadata(data)


def test_a_small_photo_is_not_enlarged_for_the_web(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    attachment = _submitted(office, assignment_data, photo(700, 500))
    assert [r.width for r in renditions.web_renditions(attachment)] == [480, 700, 480, 700]


def test_the_exif_orientation_is_applied(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    # Stored 1200x900 with orientation 6 (rotate 90° clockwise to show): shown 900x1200, and
    # the red square of the stored top-left corner appears at the top right.
    attachment = _submitted(office, assignment_data, photo(1200, 900, orientation=6))
    assert (attachment.width, attachment.height) == (900, 1200)
    rendition = renditions.web_renditions(attachment)[-1]
    assert (rendition.width, rendition.height) == (900, 1200)
    image = opened(renditions.rendition_bytes(rendition)).convert("RGB")
    red, green, _blue = image.getpixel((image.width - 20, 20))  # type: ignore[misc]
    assert red > 180 and green < 80
    red, _g, _b = image.getpixel((20, 20))  # type: ignore[misc]
    assert red < 100
    assert renditions.instagram_use(attachment) == "instagram_portrait"


def _red_share(data: bytes) -> float:
    image = opened(data).convert("RGB")
    red = sum(1 for r, g, _b in image.get_flattened_data() if r > 180 and g < 80)  # type: ignore[misc]
    return red / (image.width * image.height)


def test_the_focal_point_moves_the_crop(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    # A wide photo cut to a square: the red corner is in the crop only when focused on it.
    left = _submitted(office, assignment_data, photo(3000, 1000), focal_x=0.0, focal_y=0.0)
    right = _submitted(office, assignment_data, photo(3000, 1000), focal_x=1.0, focal_y=0.5)
    assert left.rendition_key != right.rendition_key
    left_data = renditions.rendition_bytes(renditions.social_rendition(left, "instagram_square"))
    right_data = renditions.rendition_bytes(renditions.social_rendition(right, "instagram_square"))
    assert _red_share(left_data) > 0.15
    assert _red_share(right_data) == 0


def test_the_watermark_goes_on_social_renditions_only(
    office: dict[str, User], assignment_data: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 100), (255, 255, 0, 255)).save(logo)
    settings.WARTA_WATERMARK = str(logo)
    attachment = _submitted(office, assignment_data, photo(1600, 900))
    social = renditions.social_rendition(attachment, "x")
    assert "-wm" in social.url
    image = opened(renditions.rendition_bytes(social)).convert("RGB")
    red, green, blue = image.getpixel((image.width - 60, image.height - 50))  # type: ignore[misc]
    assert red > 180 and green > 180 and blue < 120  # the yellow logo, bottom right
    web = opened(renditions.rendition_bytes(renditions.web_renditions(attachment)[-1]))
    web_rgb = web.convert("RGB")
    _r, _g, blue = web_rgb.getpixel((web.width - 60, web.height - 50))  # type: ignore[misc]
    assert blue > 120


def test_renditions_are_made_once_and_kept(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    attachment = _submitted(office, assignment_data, photo(1000, 800))
    made = renditions.make_all(attachment)
    assert len(made) == 3 * 2 + 4  # 480, 800 and 1000 wide in two formats; four social uses
    assert renditions.make_all(attachment) == []
    assert io.BytesIO(renditions.rendition_bytes(made[0])).getvalue()


def test_a_heic_photo_gets_jpeg_and_webp_renditions(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    from images.tests.helpers import heic

    item = walk_to(office, assignment_data, "submit")
    upload = ImageUpload(SimpleUploadedFile("IMG_0042.HEIC", heic(1000, 800), "image/heic"), "F")
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[upload])
    attachment = version.images.get()
    assert attachment.content_type == "image/heif"
    for rendition in renditions.web_renditions(attachment):
        assert opened(renditions.rendition_bytes(rendition)).size == (
            rendition.width,
            rendition.height,
        )
    square = renditions.social_rendition(attachment, "instagram_square")
    assert opened(renditions.rendition_bytes(square)).format == "JPEG"
