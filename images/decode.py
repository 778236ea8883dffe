"""Decoding originals in bounded memory: the only code that reads an original's pixels.

JPEG, PNG and WebP are decoded by libvips (``pyvips``, with the ``pyvips-binary`` wheel) as a
stream, top to bottom, shrinking on load where the format allows (JPEG 1/2, 1/4, 1/8; WebP any
scale) and then scaling down line by line, so a 207-megapixel PNG of 800 KB never becomes a
620 MB bitmap: what is kept in memory is the small picture the renditions need. libvips' own
strict mode (``fail_on="truncated"``) refuses a cut-off file, whatever Pillow's process-wide
``LOAD_TRUNCATED_IMAGES`` says (WeasyPrint switches that on).

HEIC has no streaming decoder here (the wheel's libheif has no HEVC): pillow-heif decodes the
whole picture, about 5 bytes a pixel, so HEIC is capped lower (``WARTA_HEIC_MAX_PIXELS``, checked
at upload) and handed to libvips without a copy.

Pillow only reads headers here (format, size, EXIF orientation, ICC profile) and then works on
the small picture (orientation, colour, crops, encoding: ``images.renditions``).
"""

from __future__ import annotations

import io
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

import pyvips
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageCms

from images import formats

# A local path of the whole file, or its bytes (small uploads are kept in memory by Django).
Source = str | bytes

# What libvips' loaders are called for each format Pillow detected (never guessed again).
_LOADERS = {"JPEG": "jpegload", "PNG": "pngload", "WEBP": "webpload"}
JPEG_SHRINKS = (8, 4, 2)
_BANDS_MODE = {1: "L", 3: "RGB"}
# EXIF orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose).
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class DamagedImage(ValueError):
    """The file's pixels cannot be decoded whole: it is cut off or corrupt."""


@dataclass(frozen=True)
class Header:
    """What the first bytes of an image say, read without decoding a pixel."""

    format: str  # "JPEG", "PNG", "WEBP" or "HEIF"
    width: int  # as stored
    height: int
    orientation: int  # EXIF orientation, 1 when absent
    icc: bytes | None

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def upright(self) -> tuple[int, int]:
        """Width and height as shown (EXIF orientation applied)."""
        turned = self.orientation in (5, 6, 7, 8)
        return (self.height, self.width) if turned else (self.width, self.height)


@cache
def configure() -> None:
    """libvips keeps no decoded images between calls (its operation cache would hold them) and
    uses one thread per process: the machine's cores are shared with the web app."""
    pyvips.cache_set_max(0)
    pyvips.cache_set_max_mem(0)
    pyvips.cache_set_max_files(0)
    pyvips.concurrency_set(1)


def read_header(source: Source | IO[bytes]) -> Header:
    """Format, stored size, orientation and ICC profile from the header (Pillow reads no
    pixels). Raises what ``PIL.Image.open`` raises, DecompressionBombError included."""
    formats.register()
    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    with Image.open(opened) as image:
        # The base class reads only what the header gave: PngImageFile.getexif() would decode
        # the whole picture to look for an eXIf chunk after the pixels.
        orientation = Image.Image.getexif(image).get(0x0112, 1)
        return Header(
            format=image.format or "",
            width=image.width,
            height=image.height,
            orientation=orientation if isinstance(orientation, int) else 1,
            icc=image.info.get("icc_profile") or None,
        )


def check_whole(source: Source, header: Header) -> None:
    """Decode every pixel once, as a stream (JPEGs at 1/8 scale: every byte is still read), so
    a cut-off or corrupt file is refused. Raises DamagedImage."""
    if header.format == "HEIF":
        with _heif_pixels(source):
            return
    shrink = {"shrink": 8} if header.format == "JPEG" else {}
    try:
        _load(source, header, **shrink).avg()
    except pyvips.Error as exc:
        raise DamagedImage(str(exc)) from exc


def upright_rgb(source: Source, header: Header, scale: float) -> Image.Image:
    """The picture upright, in sRGB, RGB (transparency on white), scaled down to ``scale`` of
    its size (never up) and with no metadata: the starting point of every rendition.

    Only this picture is ever held in memory whole (HEIC excepted, see the module)."""
    scale = min(1.0, scale)
    target = max(1, math.ceil(header.width * scale)), max(1, math.ceil(header.height * scale))
    if header.format == "HEIF":
        with _heif_pixels(source) as image:
            picture = _to_pillow(_scaled_to(image, target))
    else:
        try:
            image = _load(source, header, **_shrink_on_load(header, scale))
            picture = _to_pillow(_scaled_to(_eight_bit_flat(image), target))
        except pyvips.Error as exc:
            raise DamagedImage(str(exc)) from exc
    return _upright_srgb(picture, header)


def in_memory(picture: Image.Image) -> pyvips.Image:
    """A (small) RGB picture as a libvips image, to cut and scale many times."""
    configure()
    return pyvips.Image.new_from_memory(
        picture.tobytes(), picture.width, picture.height, 3, "uchar"
    )


def cut_and_scale(
    picture: pyvips.Image, box: tuple[float, float, float, float], size: tuple[int, int]
) -> Image.Image:
    """The box of the picture (to the nearest pixel), scaled to exactly ``size`` (Lanczos)."""
    left, top = max(0, round(box[0])), max(0, round(box[1]))
    right, bottom = min(picture.width, round(box[2])), min(picture.height, round(box[3]))
    width, height = max(1, right - left), max(1, bottom - top)
    region = picture
    if (width, height) != (picture.width, picture.height):
        region = picture.crop(left, top, width, height)
    if (width, height) != size:
        region = region.resize(size[0] / width, vscale=size[1] / height)
    out = _to_pillow(region)
    if out.size != size:  # a pixel lost to rounding
        out = out.resize(size, Image.Resampling.LANCZOS)
    return out


@contextmanager
def local_source(stored: FieldFile | UploadedFile) -> Iterator[Source]:
    """A stored file or an upload as something libvips reads: its path on this machine, its
    bytes when Django kept an upload in memory, or a temporary copy (object storage, S3)."""
    if isinstance(stored, TemporaryUploadedFile):
        yield stored.temporary_file_path()
        return
    if isinstance(stored, UploadedFile):  # an upload kept in memory
        stored.seek(0)
        data = stored.read()
        stored.seek(0)
        yield data
        return
    try:
        path = stored.path
    except NotImplementedError:  # object storage has no local path
        path = ""
    if path and os.path.exists(path):
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="warta-original-") as copy:
        with stored.open("rb") as fh:
            shutil.copyfileobj(fh, copy, 1 << 20)
        copy.flush()
        yield copy.name


# --- libvips ---------------------------------------------------------------------------------
def _load(source: Source, header: Header, **options: Any) -> pyvips.Image:
    """Open with the loader of the detected format, streaming (``sequential``) and strict."""
    configure()
    loader = _LOADERS.get(header.format)
    if loader is None:
        raise DamagedImage(f"no streaming decoder for {header.format}")
    options |= {"access": "sequential", "fail_on": "truncated"}
    if isinstance(source, bytes):
        return getattr(pyvips.Image, f"{loader}_buffer")(source, **options)
    return getattr(pyvips.Image, loader)(source, **options)


def _shrink_on_load(header: Header, scale: float) -> dict[str, Any]:
    """Let the decoder do the first part of the scaling, never below what is needed."""
    if header.format == "JPEG":
        shrink = next((s for s in JPEG_SHRINKS if s * scale <= 1), 1)
        return {"shrink": shrink} if shrink > 1 else {}
    if header.format == "WEBP" and scale < 1:
        return {"scale": scale}
    return {}


def _eight_bit_flat(image: pyvips.Image) -> pyvips.Image:
    """8 bits a sample, transparency flattened onto white, before any scaling."""
    if image.format != "uchar":
        image = image.cast("uchar", shift=True)
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    return image


def _scaled_to(image: pyvips.Image, target: tuple[int, int]) -> pyvips.Image:
    """Scale down to about the target size (never up), line by line: averaging whole blocks
    first (across, then down: the lines kept while shrinking down are already narrow), then
    Lanczos for the last factor of two or more, as Pillow's ``reducing_gap=2`` does."""
    x_factor, y_factor = image.width / target[0], image.height / target[1]
    if x_factor <= 1 and y_factor <= 1:
        return image
    x_block, y_block = max(1, int(x_factor / 2)), max(1, int(y_factor / 2))
    if x_block > 1:
        image = image.shrinkh(x_block)
    if y_block > 1:
        image = image.shrinkv(y_block)
    x_rest, y_rest = max(1.0, image.width / target[0]), max(1.0, image.height / target[1])
    if x_rest > 1 or y_rest > 1:
        image = image.reduce(x_rest, y_rest)
    return image


def _to_pillow(image: pyvips.Image) -> Image.Image:
    """The (small) libvips picture as a Pillow image: L, RGB or CMYK."""
    if image.bands == 4 and image.interpretation == "cmyk":
        mode = "CMYK"
    elif image.bands in _BANDS_MODE:
        mode = _BANDS_MODE[image.bands]
    else:
        raise DamagedImage(f"unexpected {image.bands} bands ({image.interpretation})")
    return Image.frombytes(mode, (image.width, image.height), image.write_to_memory())


# --- HEIC ------------------------------------------------------------------------------------
@contextmanager
def _heif_pixels(source: Source) -> Iterator[pyvips.Image]:
    """The decoded primary picture of a HEIC/HEIF as a libvips image over pillow-heif's own
    buffer (no copy), upright (libheif applies the container's rotation), transparency on white.
    """
    from pillow_heif import open_heif

    configure()
    try:
        heif = open_heif(io.BytesIO(source) if isinstance(source, bytes) else source)
        picture = heif[heif.primary_index]
        data = picture.data  # decodes: a cut-off file fails here
    except (ValueError, RuntimeError, OSError, EOFError) as exc:
        raise DamagedImage(str(exc)) from exc
    width, height = picture.size
    bands = len(picture.mode)
    if picture.stride == width * bands:
        image = pyvips.Image.new_from_memory(data, width, height, bands, "uchar")
    elif picture.stride % bands == 0:  # padded rows: a wider image, cropped
        wide = pyvips.Image.new_from_memory(data, picture.stride // bands, height, bands, "uchar")
        image = wide.crop(0, 0, width, height)
    else:
        rows = b"".join(
            data[row * picture.stride : row * picture.stride + width * bands]
            for row in range(height)
        )
        image = pyvips.Image.new_from_memory(rows, width, height, bands, "uchar")
    if bands == 4:
        image = image.copy(interpretation="srgb").flatten(background=[255, 255, 255])
    try:
        yield image
    finally:
        del image, data, heif


# --- Pillow, on the small picture --------------------------------------------------------------
def _upright_srgb(picture: Image.Image, header: Header) -> Image.Image:
    """Apply the EXIF orientation and the ICC profile; RGB with an empty info dict."""
    method = _ORIENTATIONS.get(header.orientation)
    if method is not None:
        picture = picture.transpose(method)
    if header.icc:
        picture = _to_srgb(picture, header.icc)
    if picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.info = {}
    return picture


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, _srgb(), outputMode="RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
