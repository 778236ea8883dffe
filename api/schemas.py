"""What the API accepts: request bodies and query filters, validated before any action runs.

Limits mirror the action layer's, so the OpenAPI document states them; the action layer still
checks everything itself (it is the one source of truth for the UI, the API and WhatsApp).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from lib.dates import InvalidDate, parse_iso_date
from newsroom.actions import BODY_MAX, NOTE_MAX, TEXT_MAX, TITLE_MAX

USERNAME_MAX = 150
PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
# Every integer a client sends is bounded: an offset or id beyond 64 bits overflows the query
# (a 500 on SQLite and on PostgreSQL), so the schema refuses it with a 400 first.
PAGE_MAX = 100_000
STEP_MAX = 99
ID_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=ID_MAX, description="The row's id")]


def _aware(value: datetime) -> datetime:
    """A time without an offset is read in the office's time zone."""
    return value if timezone.is_aware(value) else timezone.make_aware(value)


LocalDatetime = Annotated[datetime, AfterValidator(_aware)]


def iso_date(name: str) -> BeforeValidator:
    """A date parameter written YYYY-MM-DD only (lib.dates): pydantic alone reads ``0`` as
    1970-01-01. The sentence names the parameter as the caller wrote it (``name``)."""

    def parse(value: Any) -> Any:
        if value is None or isinstance(value, date):
            return value
        try:
            return parse_iso_date(str(value), name)
        except InvalidDate as exc:
            raise PydanticCustomError("iso_date", "{reason}", {"reason": exc.message}) from None

    return BeforeValidator(parse)


class Input(Schema):
    # Leading/trailing blanks never count towards a limit; unknown fields are an error, so a
    # misspelt optional field is not silently ignored.
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=USERNAME_MAX)
    password: str = Field(max_length=4096)
    # The authenticator code (or a recovery code): required for roles with two-step sign-in.
    code: str = Field(default="", max_length=64)


class ActivityIn(Input):
    name: str = Field(max_length=TEXT_MAX)
    starts_at: LocalDatetime
    organizer: str = Field(max_length=TEXT_MAX)


class LocationIn(Input):
    name: str = Field(max_length=TEXT_MAX)
    region_code: str = Field(max_length=10, description="Kemendagri code, e.g. 18.71")
    lat: Decimal | None = None
    lon: Decimal | None = None


class AssignIn(Input):
    title: str = Field(max_length=TITLE_MAX)
    kasi: str = Field(max_length=USERNAME_MAX, description="Username of the Kasi PIP")
    activity: ActivityIn
    location: LocationIn
    channels: list[str] = Field(default_factory=lambda: ["website"])
    deadline: LocalDatetime | None = None
    category: str = Field("", max_length=90, description="Slug of a portal category (admin list)")
    tags: list[str] = Field(
        default_factory=list, max_length=10, description="Portal topics; new names are created"
    )


class DirectIn(Input):
    operator: str = Field(max_length=USERNAME_MAX, description="Username of the operator")
    direction: str = Field(max_length=NOTE_MAX)


class PhotoIn(Input):
    """A photo's words and settings: the same checks as an upload from the draft form."""

    alt: str = Field(max_length=300, description="Alt text (required before submit)")
    focal_x: float = Field(0.5, ge=0, le=1, description="Focal point, 0 (left) to 1 (right)")
    focal_y: float = Field(0.5, ge=0, le=1, description="Focal point, 0 (top) to 1 (bottom)")
    identifiable_people: bool = False
    legal_basis: str = Field("", max_length=40, description="Required with identifiable people")
    minors: bool = False
    parent_consent_by: str = Field("", max_length=200)
    parent_consent_on: date | None = None
    parent_consent_note: str = Field("", max_length=500)


class ImageIn(PhotoIn):
    """A photo sent with a version inside the JSON body (base64: for small photos; phone
    photos go as files to ``…/actions/submit/multipart``)."""

    filename: str = Field(
        max_length=255, description="e.g. foto.jpg (the type is read from the content)"
    )
    content_base64: str = Field(description="The file, base64-encoded: JPEG, PNG, WebP or HEIC")


class VersionIn(Input):
    """What a submitted version says (its photos come in each way's own field)."""

    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX, description="HTML or plain text")
    captions: dict[str, str] = Field(default_factory=dict, description="Caption per channel")
    keep_images: bool = Field(True, description="Keep the previous version's photos")


class SubmitIn(VersionIn):
    images: list[ImageIn] = Field(
        default_factory=list, max_length=10, description="New photos, after the kept ones"
    )


class SubmitPhotosIn(VersionIn):
    """The ``data`` part of a multipart submit: the version, and for each file in the
    ``photos`` parts (in their order) its words and settings."""

    images: list[PhotoIn] = Field(
        default_factory=list, max_length=10, description="One per file in the photos parts"
    )


class DecisionIn(Input):
    decision: Literal["approve", "return"]
    note: str = Field("", max_length=NOTE_MAX, description="Required to return")
    reason: str = Field(
        "", max_length=40, description="Return reason code (default 'lainnya'); see the admin list"
    )


class ReviewIn(DecisionIn):
    forward: bool = Field(False, description="Approve and forward to the Kabid in one act")


class NoteIn(Input):
    note: str = Field("", max_length=NOTE_MAX)


class HandoverIn(NoteIn):
    at: LocalDatetime | None = Field(None, description="Post at this time (default: now)")


class PostIn(Input):
    channels: list[str] | None = Field(None, description="Default: the item's channels")
    at: LocalDatetime | None = Field(
        None, description="Post at this time (default: the hand-over's time, else now)"
    )


class ItemFilters(Schema):
    model_config = ConfigDict(populate_by_name=True)

    step: int | None = Field(None, ge=1, le=STEP_MAX, description="Current step")
    region: str | None = Field(None, max_length=10, description="Region code")
    person: str | None = Field(None, max_length=USERNAME_MAX, description="Username involved")
    created_from: Annotated[date | None, iso_date("from")] = Field(
        None, alias="from", description="Created on or after (YYYY-MM-DD)"
    )
    created_to: Annotated[date | None, iso_date("to")] = Field(
        None, alias="to", description="Created on or before (YYYY-MM-DD)"
    )
    page: int = Field(1, ge=1, le=PAGE_MAX)
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)
