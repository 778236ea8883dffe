"""Test photos: made with Pillow, with the metadata phones put in them."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

GPS_IFD = 0x8825


def photo(
    width: int = 1200,
    height: int = 900,
    *,
    orientation: int = 1,
    gps: bool = True,
    fmt: str = "JPEG",
) -> bytes:
    """A photo with a red square in its top-left quarter (to see orientation), EXIF with the
    given orientation and GPS, an XMP packet and a comment."""
    picture = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width // 4, height // 4), fill=(230, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "S", 2: (5.0, 25.0, 12.0), 3: "E", 4: (105.0, 16.0, 3.0)})
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    if fmt == "JPEG":
        picture.save(buffer, "JPEG", quality=90, exif=exif.tobytes(), comment=b"secret", xmp=xmp)
    else:
        picture.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def heic(width: int = 800, height: int = 600) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 160, 60)).save(buffer, "HEIF", quality=70)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
