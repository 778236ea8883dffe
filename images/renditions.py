"""Renditions: the only image bytes that leave the building.

Every rendition is decoded from the private original, turned upright (EXIF orientation),
converted to sRGB, cropped around the operator's focal point where a fixed shape is needed,
scaled, and written as a new file without any metadata (no EXIF, GPS, XMP, ICC or comments).

Names are content-hashed: ``/gambar/<key>-<label>.<ext>``, where ``key`` hashes the original's
sha256, the focal point and the pipeline version (``Attachment.rendition_key``), and ``label``
names the size or use (``w800``, ``instagram_portrait``; plus the watermark's digest when one is
set). A name therefore never refers to two different contents and may be cached forever.

Renditions are made ahead of their use by the worker (``images.tasks``), never by a web request:
when a version with photos is submitted (and again, if anything is missing, at verification and
before posting), one image at a time per machine (``images.worklock``), decoding the original in
bounded memory (``images.decode``). They are kept in the default storage (so they also work on
S3); ``ready`` tells from the database whether an image's renditions are all there.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from PIL import Image

from images import decode, worklock

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
# How long a job or a connector waits for the machine's image lock before giving up.
LOCK_WAIT_SECONDS = 120.0
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


log = logging.getLogger(__name__)


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
    with attachment.file.open("rb") as fh:
        width, height = decode.read_header(fh).upright
    attachment.width, attachment.height = width, height
    type(attachment).objects.filter(pk=attachment.pk).update(width=width, height=height)
    return width, height


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


def locate(name: str) -> tuple[Attachment, str]:
    """The image this rendition name belongs to and the name it has in storage (the file may
    not exist yet). Raises RenditionUnavailable for a name of no current rendition."""
    attachment = attachment_for(name)
    parsed = parse(name)
    if attachment is None or parsed is None:
        raise RenditionUnavailable(name)
    specs = _all_specs(*_source_size(attachment))
    if not any((s.label, s.content_type) == parsed[1:] for s in specs):
        raise RenditionUnavailable(name)
    return attachment, _storage_name(name)


def ensure(name: str) -> str:
    """The storage name of this rendition, making all of the image's renditions if missing
    (for the worker: a web request serves what exists, ``images.views``)."""
    attachment, storage_name = locate(name)
    if not default_storage.exists(storage_name):
        make_all(attachment)
    return storage_name


def signature(attachment: Attachment) -> str:
    """What ``Attachment.renditions_made`` says once every rendition of the image is stored:
    its key, and the watermark's digest (a new logo names new social renditions)."""
    mark = _watermark_digest()
    return f"{key_of(attachment)}-wm{mark}" if mark else key_of(attachment)


def ready(attachment: Attachment) -> bool:
    """Whether every rendition of the image is stored (from the database, no storage call)."""
    return attachment.renditions_made == signature(attachment)


def make_all(attachment: Attachment, wait: float = LOCK_WAIT_SECONDS) -> list[Rendition]:
    """Decode the original once and write every rendition that is not stored yet.

    Holds the machine's image lock while decoding (raises worklock.Busy after ``wait``
    seconds) and then records the image as ready."""
    key = key_of(attachment)
    specs = _all_specs(*_source_size(attachment))
    todo = _missing(key, specs)
    if todo:
        with worklock.one_at_a_time(wait):
            todo = _missing(key, specs)  # another process may have made them meanwhile
            if todo:
                _render_and_store(attachment, todo)
    made = signature(attachment)
    type(attachment).objects.filter(Q(pk=attachment.pk) | Q(rendition_key=key)).exclude(
        renditions_made=made
    ).update(renditions_made=made)
    attachment.renditions_made = made
    return [rendition for _spec, rendition in todo]


def _missing(key: str, specs: list[_Spec]) -> list[tuple[_Spec, Rendition]]:
    return [
        (spec, r)
        for spec in specs
        if not default_storage.exists(_storage_name((r := _rendition(key, spec)).name))
    ]


def _render_and_store(attachment: Attachment, todo: list[tuple[_Spec, Rendition]]) -> None:
    try:
        with decode.local_source(attachment.file) as source:
            encoded = render(
                source, [spec for spec, _r in todo], attachment.focal_x, attachment.focal_y
            )
    except (OSError, decode.DamagedImage, Image.DecompressionBombError) as exc:
        log.error("renditions of attachment %s failed: %s", attachment.pk, exc)
        raise RenditionUnavailable(attachment.file.name) from exc
    for (_spec, rendition), data in zip(todo, encoded, strict=True):
        _store(_storage_name(rendition.name), data)


def _store(storage_name: str, data: bytes) -> None:
    """Save once; if another process wrote the same name meanwhile, keep theirs (identical)."""
    if default_storage.exists(storage_name):
        return
    saved = default_storage.save(storage_name, ContentFile(data))
    if saved != storage_name:
        default_storage.delete(saved)


# --- pixels ----------------------------------------------------------------------------------
def render(
    source: decode.Source, specs: list[_Spec], focal_x: float, focal_y: float
) -> list[bytes]:
    """Encode each spec from one decode of ``source`` (a local path or the file's bytes).

    The original is decoded straight to the smallest size every spec still gets its own pixels
    from (``images.decode``, bounded memory); each spec is cut and scaled from that picture."""
    header = decode.read_header(source)
    upright = header.upright
    boxes = [_crop_box(upright, spec, focal_x, focal_y) for spec in specs]
    picture = decode.upright_rgb(source, header, _needed_scale(specs, boxes))
    scale_x, scale_y = picture.width / upright[0], picture.height / upright[1]
    base = decode.in_memory(picture)
    scaled: dict[tuple[float, float, float, float, int, int], Image.Image] = {}
    results = []
    for spec, box in zip(specs, boxes, strict=True):
        scaled_box = (box[0] * scale_x, box[1] * scale_y, box[2] * scale_x, box[3] * scale_y)
        key = (*scaled_box, spec.width, spec.height)  # WebP and JPEG of one size: one scaling
        if key not in scaled:
            scaled[key] = decode.cut_and_scale(base, scaled_box, (spec.width, spec.height))
        out = scaled[key]
        if spec.watermark:
            out = _apply_watermark(out)
        results.append(_encode(out, spec.content_type))
    return results


def _needed_scale(specs: list[_Spec], boxes: list[tuple[float, float, float, float]]) -> float:
    """The largest scale any spec needs from the original (1: full size)."""
    return min(
        1.0,
        max(
            max(spec.width / (box[2] - box[0]), spec.height / (box[3] - box[1]))
            for spec, box in zip(specs, boxes, strict=True)
        ),
    )


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
