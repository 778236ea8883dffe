"""Renditions: the only image bytes that leave the building.

Every rendition is decoded from the private original, turned upright (EXIF orientation),
converted to sRGB, cropped around the operator's focal point where a fixed shape is needed,
scaled, and written as a new file without any metadata (no EXIF, GPS, XMP, ICC or comments).

Names are content-hashed: ``/gambar/<key>-<label>.<ext>``, where ``key`` hashes the original's
sha256, the focal point and the pipeline version (``Attachment.rendition_key``), and ``label``
names the size or use (``w800``, ``instagram_portrait``; plus the watermark's digest when one is
set). A name therefore never refers to two different contents and may be cached forever.

Renditions are made lazily, once, and then kept in the default storage (so they also work on
S3): the upload request of a phone on a slow line is not kept waiting for a dozen encodes,
renditions for a focal point that is changed again a minute later are never made, and the
first request (a reader, or a connector asking for the bytes) pays about one second once.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

from images import formats

if TYPE_CHECKING:
    from newsroom.models import Attachment

# Bump when the pipeline's output changes, so new names replace the cached files.
PIPELINE = "1"
URL_PREFIX = "/gambar/"
STORAGE_DIR = "renditions"
WEB_WIDTHS = (480, 800, 1200, 1600)
WEB_FORMATS = ("image/webp", "image/jpeg")
SOCIAL_SIZES: dict[str, tuple[int, int]] = {
    "instagram_portrait": (1080, 1350),
    "instagram_square": (1080, 1080),
    "facebook": (1200, 630),
    "x": (1600, 900),
}
EXTENSIONS = {"image/webp": "webp", "image/jpeg": "jpg"}
JPEG_QUALITY = 82
WEBP_QUALITY = 78
NAME_RE = re.compile(
    r"^(?P<key>[0-9a-f]{24})-(?P<label>[a-z0-9_]+(?:-wm[0-9a-f]{8})?)\.(?P<ext>webp|jpg)$"
)


@dataclass(frozen=True)
class Rendition:
    url: str  # absolute-path URL, stable and content-hashed, e.g. /gambar/<key>-w800.webp
    width: int
    height: int
    content_type: str  # "image/webp" or "image/jpeg"

    @property
    def name(self) -> str:
        """The file name in the URL (and in storage)."""
        return self.url.rsplit("/", 1)[-1]

    def absolute_url(self) -> str:
        """For platforms that fetch the image themselves (Instagram): SITE_URL + path."""
        return f"{settings.SITE_URL}{self.url}"


@dataclass(frozen=True)
class _Spec:
    """How to make one rendition: a target size, and whether it is cut to that shape."""

    label: str
    width: int
    height: int
    content_type: str
    crop: bool  # True: cut to width:height around the focal point; False: whole image
    watermark: bool


class RenditionUnavailable(LookupError):
    """The name does not belong to any image (or the original cannot be read)."""


# --- names -----------------------------------------------------------------------------------
def rendition_key(sha256: str, focal_x: float, focal_y: float) -> str:
    """The part of every rendition name that changes when what is shown changes."""
    raw = f"{PIPELINE}:{sha256}:{focal_x:.4f}:{focal_y:.4f}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def key_of(attachment: Attachment) -> str:
    """The attachment's stored key (recomputed if it was never stored)."""
    expected = rendition_key(attachment.sha256, attachment.focal_x, attachment.focal_y)
    return attachment.rendition_key if attachment.rendition_key == expected else expected


def _storage_name(name: str) -> str:
    return f"{STORAGE_DIR}/{name[:2]}/{name}"


def _rendition(key: str, spec: _Spec) -> Rendition:
    name = f"{key}-{spec.label}.{EXTENSIONS[spec.content_type]}"
    return Rendition(f"{URL_PREFIX}{name}", spec.width, spec.height, spec.content_type)


# --- what exists for an image ---------------------------------------------------------------
def _source_size(attachment: Attachment) -> tuple[int, int]:
    """The upright size, stored at upload; read once from the header for older rows."""
    if attachment.width and attachment.height:
        return attachment.width, attachment.height
    formats.register()
    with attachment.file.open("rb") as fh, Image.open(fh) as image:
        width, height = _upright_size(image)
    attachment.width, attachment.height = width, height
    type(attachment).objects.filter(pk=attachment.pk).update(width=width, height=height)
    return width, height


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as shown, with the EXIF orientation applied."""
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _web_specs(width: int, height: int) -> list[_Spec]:
    """The srcset widths no wider than the original (the original's own width if it is
    narrower than the largest), each in WebP and JPEG."""
    widths = [w for w in WEB_WIDTHS if w < width]
    if width <= WEB_WIDTHS[-1] and width not in widths:
        widths.append(width)
    if not widths:
        widths = [WEB_WIDTHS[-1]]
    specs = []
    for content_type in WEB_FORMATS:
        for w in widths:
            h = max(1, round(height * w / width))
            specs.append(_Spec(f"w{w}", w, h, content_type, crop=False, watermark=False))
    return specs


def _social_spec(use: str) -> _Spec:
    if use not in SOCIAL_SIZES:
        raise ValueError(f"Unknown social use {use!r}; one of {sorted(SOCIAL_SIZES)}")
    width, height = SOCIAL_SIZES[use]
    mark = _watermark_digest()
    label = f"{use}-wm{mark}" if mark else use
    return _Spec(label, width, height, "image/jpeg", crop=True, watermark=bool(mark))


def _all_specs(width: int, height: int) -> list[_Spec]:
    return _web_specs(width, height) + [_social_spec(use) for use in SOCIAL_SIZES]


def web_renditions(attachment: Attachment) -> list[Rendition]:
    """The srcset renditions (whole image, no crop): WebP first, then JPEG, narrow to wide."""
    key = key_of(attachment)
    return [_rendition(key, spec) for spec in _web_specs(*_source_size(attachment))]


def social_rendition(attachment: Attachment, use: str) -> Rendition:
    """The rendition for one social use, cut around the focal point (JPEG, exact size)."""
    return _rendition(key_of(attachment), _social_spec(use))


def instagram_use(attachment: Attachment) -> str:
    """Instagram's automatic compliant shape: 4:5 portrait for upright photos, else square."""
    width, height = _source_size(attachment)
    return "instagram_portrait" if width < height * 0.9 else "instagram_square"


# --- bytes -----------------------------------------------------------------------------------
def rendition_bytes(rendition_or_key: Rendition | str) -> bytes:
    """The encoded bytes of a rendition (made and stored first if needed).

    Accepts a ``Rendition``, its URL or its file name."""
    if isinstance(rendition_or_key, Rendition):
        name = rendition_or_key.name
    else:
        name = str(rendition_or_key).rsplit("/", 1)[-1]
    storage_name = ensure(name)
    with default_storage.open(storage_name, "rb") as fh:
        data: bytes = fh.read()
    return data


def parse(name: str) -> tuple[str, str, str] | None:
    """(key, label, content type) of a rendition file name, or None if it is not one."""
    match = NAME_RE.match(name)
    if match is None:
        return None
    content_type = "image/webp" if match["ext"] == "webp" else "image/jpeg"
    return match["key"], match["label"], content_type


def attachment_for(name: str) -> Attachment | None:
    """An image whose renditions this name belongs to (None: not a current rendition)."""
    from newsroom.models import Attachment

    parsed = parse(name)
    if parsed is None:
        return None
    return (
        Attachment.objects.filter(rendition_key=parsed[0], kind=Attachment.Kind.IMAGE)
        .order_by("pk")
        .first()
    )


def ensure(name: str) -> str:
    """The storage name of this rendition, making all of the image's renditions if missing."""
    attachment = attachment_for(name)
    parsed = parse(name)
    if attachment is None or parsed is None:
        raise RenditionUnavailable(name)
    specs = _all_specs(*_source_size(attachment))
    wanted = [s for s in specs if (s.label, s.content_type) == parsed[1:]]
    if not wanted:
        raise RenditionUnavailable(name)
    storage_name = _storage_name(name)
    if not default_storage.exists(storage_name):
        make_all(attachment)
    return storage_name


def make_all(attachment: Attachment) -> list[Rendition]:
    """Decode the original once and write every rendition that is not stored yet."""
    key = key_of(attachment)
    width, height = _source_size(attachment)
    todo = [
        (spec, r)
        for spec in _all_specs(width, height)
        if not default_storage.exists(_storage_name((r := _rendition(key, spec)).name))
    ]
    if not todo:
        return []
    try:
        with attachment.file.open("rb") as fh:
            encoded = render(
                fh, [spec for spec, _r in todo], attachment.focal_x, attachment.focal_y
            )
    except (OSError, Image.DecompressionBombError) as exc:
        raise RenditionUnavailable(attachment.file.name) from exc
    for (_spec, rendition), data in zip(todo, encoded, strict=True):
        _store(_storage_name(rendition.name), data)
    return [r for _spec, r in todo]


def _store(storage_name: str, data: bytes) -> None:
    """Save once; if another process wrote the same name meanwhile, keep theirs (identical)."""
    if default_storage.exists(storage_name):
        return
    saved = default_storage.save(storage_name, ContentFile(data))
    if saved != storage_name:
        default_storage.delete(saved)


# --- pixels ----------------------------------------------------------------------------------
def render(source: Any, specs: list[_Spec], focal_x: float, focal_y: float) -> list[bytes]:
    """Encode each spec from one decode of ``source`` (a file or path)."""
    formats.register()
    with Image.open(source) as image:
        upright = _upright_size(image)
        boxes = [_crop_box(upright, spec, focal_x, focal_y) for spec in specs]
        _draft(image, upright, specs, boxes)
        picture = _prepare(image)
    scale = picture.width / upright[0]
    results: dict[int, bytes] = {}
    whole: list[Image.Image] = []  # whole-image sizes made so far, to scale down from
    # Widest first: a narrower whole-image size is scaled from the previous one (cheaper).
    for index in sorted(range(len(specs)), key=lambda i: -specs[i].width):
        spec, box = specs[index], boxes[index]
        scaled_box = (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)
        out = _scaled(picture, whole, spec, scaled_box)
        if not spec.crop:
            whole.append(out)
        if spec.watermark:
            out = _apply_watermark(out)
        results[index] = _encode(out, spec.content_type)
    return [results[i] for i in range(len(specs))]


def _scaled(
    picture: Image.Image,
    whole: list[Image.Image],
    spec: _Spec,
    box: tuple[float, float, float, float],
) -> Image.Image:
    size = (spec.width, spec.height)
    if not spec.crop:
        larger = [w for w in whole if w.width >= spec.width]
        if larger:
            base = min(larger, key=lambda w: w.width)
            if base.size == size:
                return base
            return base.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return picture.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)


def _crop_box(
    size: tuple[int, int], spec: _Spec, focal_x: float, focal_y: float
) -> tuple[float, float, float, float]:
    """The largest region of the target's shape that fits, centred on the focal point as far
    as the edges allow (the whole image when the spec keeps the shape)."""
    width, height = size
    if not spec.crop:
        return (0.0, 0.0, float(width), float(height))
    target = spec.width / spec.height
    crop_w, crop_h = (float(width), width / target)
    if crop_h > height:
        crop_w, crop_h = height * target, float(height)
    left = min(max(focal_x * width - crop_w / 2, 0.0), width - crop_w)
    top = min(max(focal_y * height - crop_h / 2, 0.0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def _draft(
    image: Image.Image,
    upright: tuple[int, int],
    specs: list[_Spec],
    boxes: list[tuple[float, float, float, float]],
) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding, as far as every
    rendition still gets at least its own pixels (a 24 MP photo decodes in a fraction)."""
    if image.format != "JPEG":
        return
    needed = max(
        max(spec.width / (box[2] - box[0]), spec.height / (box[3] - box[1]))
        for spec, box in zip(specs, boxes, strict=True)
    )
    if needed >= 1:
        return
    width, height = (math.ceil(upright[0] * needed), math.ceil(upright[1] * needed))
    if upright != image.size:
        width, height = height, width
    image.draft("RGB", (width, height))


def _prepare(image: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB pixels with an empty info dict (nothing carried over)."""
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "CMYK", "I;16", "I", "F"):
        upright = upright.convert("RGBA")
    if icc:
        upright = _to_srgb(upright, icc)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.load()
    upright.info = {}
    return upright


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, _srgb(), outputMode=mode, renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _encode(image: Image.Image, content_type: str) -> bytes:
    """Write pixels only: the info dict is emptied and no exif/icc/xmp/comment is passed."""
    image.info = {}
    buffer = io.BytesIO()
    if content_type == "image/webp":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=2)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


# --- watermark ------------------------------------------------------------------------------
def _watermark_path() -> Path | None:
    raw = getattr(settings, "WARTA_WATERMARK", "") or ""
    path = Path(raw) if raw else None
    return path if path is not None and path.is_file() else None


def _watermark_digest() -> str:
    path = _watermark_path()
    return _digest_of(str(path), path.stat().st_mtime_ns) if path else ""


@lru_cache(maxsize=4)
def _digest_of(path: str, _mtime: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


@lru_cache(maxsize=4)
def _logo(path: str, _mtime: int) -> Image.Image:
    with Image.open(path) as logo:
        return logo.convert("RGBA")


def _apply_watermark(image: Image.Image) -> Image.Image:
    """The office logo in the bottom-right corner, a sixth of the width, slightly transparent."""
    path = _watermark_path()
    if path is None:
        return image
    logo = _logo(str(path), path.stat().st_mtime_ns)
    target_w = max(1, image.width // 6)
    target_h = max(1, round(logo.height * target_w / logo.width))
    mark = logo.resize((target_w, target_h), Image.Resampling.LANCZOS)
    alpha = mark.getchannel("A").point(lambda v: v * 85 // 100)
    margin = max(8, image.width // 40)
    position = (image.width - target_w - margin, image.height - target_h - margin)
    out = image.copy()
    out.paste(mark, position, mask=alpha)
    return out
