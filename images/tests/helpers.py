"""Test photos: made with Pillow, with the metadata phones put in them."""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache

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


@lru_cache(maxsize=4)
def flat_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of any size made without holding its pixels: one gradient row repeated
    (PNG's "Up" filter makes the rest zeros), so 14400x14400 (207 MP) is about 630 KB, like the
    "one small image" of the hardening review."""
    row = bytes((x * 255 // width) % 256 for x in range(width) for _channel in range(3))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    parts = [compressor.compress(b"\x00" + row)]
    same = b"\x02" + bytes(3 * width)  # filter 2 (Up): the row above, unchanged
    block = 64
    for _rows in range((height - 1) // block):
        parts.append(compressor.compress(same * block))
    parts.extend(compressor.compress(same) for _rows in range((height - 1) % block))
    parts.append(compressor.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )
