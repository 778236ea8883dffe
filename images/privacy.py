"""Per-image settings the operator chooses at submit: focal point, privacy record (UU 27/2022)
and face blurring. Validation here; the action layer (newsroom.actions.submit) applies them.

An image row that is part of a submitted version is never changed: new settings for it make a
new row (``with_settings``), and a blur makes a new file with a new sha256 whose original stays
private (``blurred_from``) and is never posted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from PIL import Image, ImageFilter

from images import decode
from lib import clock

if TYPE_CHECKING:
    from newsroom.models import Attachment

MAX_BOXES = 20
BLUR_LONG_EDGE = 4096
Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions 0..1
_BOX_RE = re.compile(r"^\s*([0-9.]+)\s*,\s*([0-9.]+)\s*,\s*([0-9.]+)\s*,\s*([0-9.]+)\s*$")


@dataclass(frozen=True)
class ImageSettings:
    focal_x: float = 0.5
    focal_y: float = 0.5
    identifiable_people: bool = False
    legal_basis: str = ""
    minors: bool = False
    parent_consent_by: str = ""
    parent_consent_on: date | None = None
    parent_consent_note: str = ""
    blur_boxes: tuple[Box, ...] = ()

    @classmethod
    def of(cls, attachment: Attachment) -> ImageSettings:
        return cls(
            focal_x=attachment.focal_x,
            focal_y=attachment.focal_y,
            identifiable_people=attachment.identifiable_people,
            legal_basis=attachment.legal_basis,
            minors=attachment.minors,
            parent_consent_by=attachment.parent_consent_by,
            parent_consent_on=attachment.parent_consent_on,
            parent_consent_note=attachment.parent_consent_note,
        )


def parse_fraction(raw: object, default: float = 0.5) -> float:
    """A focal coordinate from a form or JSON; anything unreadable is the centre."""
    try:
        value = float(str(raw))
    except (TypeError, ValueError):
        return default
    return value if 0.0 <= value <= 1.0 else default


def parse_boxes(raw: str) -> tuple[Box, ...] | None:
    """``"l,t,r,b;l,t,r,b"`` (fractions) from the blur tool; None if it cannot be read."""
    boxes = []
    for part in (raw or "").split(";"):
        if not part.strip():
            continue
        match = _BOX_RE.match(part)
        if match is None:
            return None
        try:
            left, top, right, bottom = (float(v) for v in match.groups())
        except ValueError:
            return None
        boxes.append((left, top, right, bottom))
    return tuple(boxes)


def problems(settings: ImageSettings) -> list[str]:
    """What is wrong with the chosen settings (the missing-consent case is not an error here:
    it is a flag the verifier sees, see ``Attachment.privacy_problems``)."""
    from newsroom.models import LegalBasis

    found = []
    if settings.legal_basis and settings.legal_basis not in LegalBasis.values:
        found.append(_("Choose a legal basis from the list."))
    if settings.parent_consent_on and settings.parent_consent_on > clock.today():
        found.append(_("The date of the parent's consent cannot be in the future."))
    if len(settings.blur_boxes) > MAX_BOXES:
        found.append(_("Mark at most %(count)d areas to blur.") % {"count": MAX_BOXES})
    for left, top, right, bottom in settings.blur_boxes:
        if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
            found.append(_("An area to blur lies outside the image; mark it again."))
            break
    return found


def apply(attachment: Attachment, settings: ImageSettings) -> None:
    """Copy the settings onto an unsaved row (and its rendition key, which the focus changes)."""
    from images.renditions import rendition_key

    attachment.focal_x = settings.focal_x
    attachment.focal_y = settings.focal_y
    attachment.identifiable_people = settings.identifiable_people
    attachment.legal_basis = settings.legal_basis if settings.identifiable_people else ""
    attachment.minors = settings.minors
    attachment.parent_consent_by = settings.parent_consent_by.strip()[:200]
    attachment.parent_consent_on = settings.parent_consent_on
    attachment.parent_consent_note = settings.parent_consent_note.strip()[:500]
    attachment.rendition_key = rendition_key(
        attachment.sha256, attachment.focal_x, attachment.focal_y
    )


def with_settings(attachment: Attachment, alt_text: str, settings: ImageSettings) -> Attachment:
    """The row to put in a new version: the same one if nothing changed, else a new row for the
    same file (rows of earlier versions stay as they were verified)."""
    same = ImageSettings.of(attachment) == replace(settings, blur_boxes=())
    if same and alt_text == attachment.alt_text:
        return attachment
    copy = type(attachment).objects.get(pk=attachment.pk)
    copy.pk = None
    copy._state.adding = True
    copy.alt_text = alt_text
    apply(copy, settings)
    copy.save()
    return copy


def blurred(source: decode.Source, boxes: tuple[Box, ...]) -> tuple[bytes, str, int, int]:
    """The upright image with each box pixelated and then blurred: (bytes, content type, width,
    height). Written without any metadata; the faces cannot be recovered from it.

    At most ``BLUR_LONG_EDGE`` pixels on its long edge (more than any rendition needs, as much
    as the draft form's own scaling sends), so a huge original is decoded in bounded memory."""
    header = decode.read_header(source)
    picture = decode.upright_rgb(source, header, BLUR_LONG_EDGE / max(header.upright))
    for box in boxes:
        _blur_box(picture, box)
    picture.info = {}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    return buffer.getvalue(), "image/jpeg", picture.width, picture.height


def _blur_box(picture: Image.Image, box: Box) -> None:
    width, height = picture.size
    left, top = int(box[0] * width), int(box[1] * height)
    right, bottom = max(left + 1, round(box[2] * width)), max(top + 1, round(box[3] * height))
    region = picture.crop((left, top, right, bottom))
    # Pixelate to about 6 blocks across, then smooth the blocks: strong and irreversible.
    blocks = max(1, region.width // 6), max(1, region.height // 6)
    small = region.resize(
        (max(1, region.width // blocks[0]), max(1, region.height // blocks[1])),
        Image.Resampling.BOX,
    )
    region = small.resize(region.size, Image.Resampling.NEAREST)
    region = region.filter(ImageFilter.GaussianBlur(max(2, min(region.size) // 10)))
    picture.paste(region, (left, top))
