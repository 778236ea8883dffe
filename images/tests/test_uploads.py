"""Upload checks: HEIC accepted; bombs, Warta's own pixel limit, truncated files, polyglots and
60 MB refused clearly."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from images.tests.helpers import flat_png, heic, photo
from newsroom.uploads import UploadRejected, check_image


def test_a_heic_photo_is_accepted_and_read_from_its_content() -> None:
    checked = check_image(SimpleUploadedFile("IMG_0001.jpg", heic(800, 600), "image/jpeg"))
    assert checked.content_type == "image/heif"
    assert (checked.width, checked.height) == (800, 600)


def test_the_size_is_read_upright() -> None:
    checked = check_image(SimpleUploadedFile("a.jpg", photo(1200, 900, orientation=6)))
    assert (checked.width, checked.height) == (900, 1200)


def test_a_decompression_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")  # 900 MP, a few hundred KB
    with pytest.raises(UploadRejected) as refused:
        check_image(SimpleUploadedFile("bom.png", buffer.getvalue(), "image/png"))
    assert "“bom.png” memiliki terlalu banyak piksel (900 megapiksel" in str(refused.value)


def test_an_image_over_wartas_own_pixel_limit_is_refused_before_pillows_limit() -> None:
    """211 MP: over WARTA_IMAGE_MAX_PIXELS (210 MP) but far under Pillow's own refusal at twice
    that, so only Warta's check stops it (without it the file would be accepted whole)."""
    assert Image.MAX_IMAGE_PIXELS is not None
    assert 14530 * 14530 < 2 * Image.MAX_IMAGE_PIXELS
    # Pillow itself only warns there.
    with pytest.raises(UploadRejected) as refused, pytest.warns(Image.DecompressionBombWarning):
        check_image(SimpleUploadedFile("besar.png", flat_png(14530, 14530), "image/png"))
    assert "“besar.png” memiliki terlalu banyak piksel (211 megapiksel; paling banyak 210)" in str(
        refused.value
    )


def test_the_pixel_limit_follows_its_setting(settings: Any) -> None:
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(UploadRejected) as refused:
        check_image(SimpleUploadedFile("foto.jpg", photo(1600, 1200), "image/jpeg"))
    assert "(1.9 megapiksel; paling banyak 1)" in str(refused.value)
    settings.IMAGE_MAX_PIXELS = 2_000_000
    assert check_image(SimpleUploadedFile("foto.jpg", photo(1600, 1200))).width == 1600


def test_a_heic_photo_over_its_own_lower_limit_is_refused(settings: Any) -> None:
    """HEIC is decoded whole (no streaming decoder), so it has a lower cap than other types."""
    settings.HEIC_MAX_PIXELS = 400_000
    with pytest.raises(UploadRejected) as refused:
        check_image(SimpleUploadedFile("IMG_0001.HEIC", heic(800, 600), "image/heic"))
    assert (
        "Foto HEIC “IMG_0001.HEIC” terlalu besar (0.5 megapiksel; foto HEIC paling banyak 0.4). "
        "Kirim sebagai JPEG"
    ) in str(refused.value)
    assert check_image(SimpleUploadedFile("b.png", photo(800, 600, fmt="PNG"))).width == 800


def _encoded(fmt: str) -> bytes:
    if fmt == "HEIF":
        return heic(800, 600)
    noisy = Image.merge("RGB", [Image.effect_noise((800, 600), 60) for _band in range(3)])
    buffer = io.BytesIO()
    noisy.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_truncated_photo_is_refused(fmt: str) -> None:
    data = _encoded(fmt)
    with pytest.raises(UploadRejected) as refused:
        check_image(SimpleUploadedFile("putus.jpg", data[: len(data) // 2], "image/jpeg"))
    assert "“putus.jpg” tidak lengkap atau rusak" in str(refused.value)
    assert check_image(SimpleUploadedFile("utuh.jpg", data)).size == len(data)


def test_an_html_file_named_jpg_is_refused() -> None:
    page = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    with pytest.raises(UploadRejected) as refused:
        check_image(SimpleUploadedFile("foto.jpg", page, "image/jpeg"))
    assert "“foto.jpg” bukan gambar JPEG, PNG, atau WebP" in str(refused.value)
    # Also with a JPEG signature in front of the markup.
    with pytest.raises(UploadRejected):
        check_image(SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + page, "image/jpeg"))


def test_a_60_mb_upload_is_refused_with_the_limit(settings: Any) -> None:
    upload = TemporaryUploadedFile("besar.jpg", "image/jpeg", 0, None)
    upload.write(photo(400, 300))
    upload.write(b"\0" * (60 * 1024 * 1024))
    upload.size = upload.tell()
    upload.seek(0)
    with pytest.raises(UploadRejected) as refused:
        check_image(upload)
    assert "“besar.jpg” terlalu besar (62.9 MB; paling besar 40 MB)" in str(refused.value)
    upload.close()


def test_a_truncated_photo_is_refused_even_after_weasyprint_relaxed_pillow() -> None:
    """WeasyPrint (the PDF reports) turns Pillow's LOAD_TRUNCATED_IMAGES on when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    data = photo(2000, 1500)
    with pytest.raises(UploadRejected):
        check_image(SimpleUploadedFile("putus.jpg", data[: len(data) // 2], "image/jpeg"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it
