"""``/items``: assign, list, read, and act on news items (one route per SOP action)."""

from __future__ import annotations

import base64
import binascii
import dataclasses

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticError

from api import render
from api.auth import current_user
from api.errors import field_message
from api.outputs import ErrorOut, ItemDetailOut, ItemPageOut
from api.schemas import (
    AssignIn,
    DecisionIn,
    DirectIn,
    HandoverIn,
    ImageIn,
    ItemFilters,
    NoteIn,
    PhotoIn,
    PostIn,
    ReviewIn,
    SubmitIn,
    SubmitPhotosIn,
    VersionIn,
)
from images.privacy import ImageSettings
from newsroom import actions
from newsroom.errors import Invalid
from newsroom.models import Item, ItemQuerySet

router = Router(tags=["items"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
ACTED = {200: ItemDetailOut, **ERRORS}
# The SOP's acts, then the acts on a posted item (api/routes_retract.py).
ACTIONS = (
    "direct", "submit", "review", "forward", "verify", "handover", "post", "retract", "reopen",
)  # fmt: skip


def _find(items: ItemQuerySet, code: str) -> Item:
    item = items.filter(code=code).first()
    if item is None:
        raise HttpError(404, _("There is no news item with the code “%(code)s”.") % {"code": code})
    return item


def _item(request: HttpRequest, code: str) -> Item:
    """The item to act on (the action layer locks and re-reads it)."""
    return _find(render.visible_items(current_user(request)), code)


def _detail(request: HttpRequest, code: str) -> ItemDetailOut:
    """The item as it is now, with its whole history."""
    items = render.with_history(render.visible_items(current_user(request)))
    return render.item_detail(_find(items, code))


@router.post("", response={201: ItemDetailOut, **ERRORS})
def assign(request: HttpRequest, payload: AssignIn) -> Status[ItemDetailOut]:
    """Step 1: the Kabid assigns a new item to a Kasi."""
    item = actions.assign(
        current_user(request),
        actions.Assignment(
            title=payload.title,
            kasi=payload.kasi,
            activity_name=payload.activity.name,
            activity_starts_at=payload.activity.starts_at,
            activity_organizer=payload.activity.organizer,
            location_name=payload.location.name,
            region_code=payload.location.region_code,
            latitude=payload.location.lat,
            longitude=payload.location.lon,
            channels=payload.channels,
            deadline=payload.deadline,
            category=payload.category,
            tags=payload.tags,
        ),
    )
    return Status(201, _detail(request, item.code))


@router.get("", response={200: ItemPageOut, 400: ErrorOut, 401: ErrorOut})
def list_items(request: HttpRequest, filters: ItemFilters = Query(...)) -> ItemPageOut:  # noqa: B008
    """Items, newest first, a page at a time; ``step`` is the step an item is at now."""
    items = render.summaries(current_user(request))
    if filters.step is not None:
        # One open run per item (a database constraint), so this matches the current step.
        items = items.filter(step_runs__finished_at__isnull=True, step_runs__step=filters.step)
    if filters.region:
        items = items.filter(region_code=filters.region)
    if filters.person:
        items = items.filter(
            Q(assigned_by__username=filters.person)
            | Q(kasi__username=filters.person)
            | Q(operator__username=filters.person)
        )
    if filters.created_from:
        items = items.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        items = items.filter(created_at__date__lte=filters.created_to)
    start = (filters.page - 1) * filters.page_size
    page = items.order_by("-created_at", "-pk")[start : start + filters.page_size]
    return ItemPageOut(
        count=items.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[render.item_summary(item) for item in page],
    )


@router.get("/{code}", response={200: ItemDetailOut, 401: ErrorOut, 404: ErrorOut})
def item_detail(request: HttpRequest, code: str) -> ItemDetailOut:
    return _detail(request, code)


@router.post("/{code}/actions/direct", response=ACTED)
def direct(request: HttpRequest, code: str, payload: DirectIn) -> ItemDetailOut:
    """Step 2: the Kasi picks the operator and writes the direction."""
    actions.direct(
        current_user(request),
        _item(request, code),
        operator=payload.operator,
        direction=payload.direction,
    )
    return _detail(request, code)


@router.post("/{code}/actions/submit", response=ACTED)
def submit(request: HttpRequest, code: str, payload: SubmitIn) -> ItemDetailOut:
    """Step 3: the operator submits a version for correction."""
    images = [_image_upload(n, image) for n, image in enumerate(payload.images)]
    return _submit_version(request, code, payload, images)


def _submit_version(
    request: HttpRequest, code: str, version: VersionIn, images: list[actions.ImageUpload]
) -> ItemDetailOut:
    actions.submit(
        current_user(request),
        _item(request, code),
        title=version.title,
        body=version.body,
        captions=version.captions,
        images=images,
        keep_images=version.keep_images,
    )
    return _detail(request, code)


@router.post("/{code}/actions/submit/multipart", response={**ACTED, 413: ErrorOut})
def submit_with_photos(
    request: HttpRequest,
    code: str,
    data: Form[str],
    photos: File[list[UploadedFile] | None] = None,
) -> ItemDetailOut:
    """Step 3 with photos as files (``multipart/form-data``), for phone photos: ``data`` is
    the version as JSON (``images`` gives each photo's alt text and settings, in the order of
    the ``photos`` parts). Each photo may have up to ``WARTA_UPLOAD_MAX_BYTES`` (40 MB by
    default); a larger one is refused with 413. The checks are the draft form's."""
    version = _submit_photos_data(data)
    photos = photos or []
    if len(photos) != len(version.images):
        raise Invalid(
            {
                "photos": _(
                    "Send one file in “photos” for each entry of “images” (%(files)d files, "
                    "%(entries)d entries)."
                )
                % {"files": len(photos), "entries": len(version.images)}
            }
        )
    limit = django_settings.UPLOAD_MAX_BYTES
    for upload in photos:
        if (upload.size or 0) > limit:
            raise HttpError(
                413,
                _("The photo “%(name)s” is too large (%(size)s MB); each may have at most "
                  "%(limit)s MB.")
                % {"name": upload.name, "size": round((upload.size or 0) / 1e6, 1),
                   "limit": round(limit / 1e6)},
            )  # fmt: skip
    images = [
        actions.ImageUpload(upload, image.alt, _photo_settings(image))
        for upload, image in zip(photos, version.images, strict=True)
    ]
    return _submit_version(request, code, version, images)


def _submit_photos_data(data: str) -> SubmitPhotosIn:
    """The ``data`` part, checked like a JSON body (field errors named ``data.<field>``)."""
    try:
        return SubmitPhotosIn.model_validate_json(data)
    except PydanticError as exc:
        errors: dict[str, str] = {}
        for problem in exc.errors():
            field = ".".join(str(p) for p in ("data", *problem["loc"]))
            if problem["type"] == "json_invalid":
                errors.setdefault(field, _("The request body is not valid JSON."))
            else:
                errors.setdefault(field, field_message(dict(problem)))
        raise Invalid(errors) from exc


# The fields of a photo that are its settings (focal point, privacy record), by the same names.
IMAGE_SETTINGS = {f.name for f in dataclasses.fields(ImageSettings)} - {"blur_boxes"}


def _photo_settings(image: PhotoIn) -> ImageSettings:
    return ImageSettings(**image.model_dump(include=IMAGE_SETTINGS))


def _image_upload(number: int, image: ImageIn) -> actions.ImageUpload:
    """A JSON photo as the action layer's upload; unreadable base64 is a 400 naming the photo."""
    try:
        content = base64.b64decode(image.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(
            {f"images.{number}.content_base64": _("This is not base64-encoded file content.")}
        ) from exc
    upload = SimpleUploadedFile(image.filename, content)
    return actions.ImageUpload(upload, image.alt, _photo_settings(image))


@router.post("/{code}/actions/review", response=ACTED)
def review(request: HttpRequest, code: str, payload: ReviewIn) -> ItemDetailOut:
    """Step 3: the Kasi approves (optionally forwarding at once) or returns the version."""
    actions.review(
        current_user(request),
        _item(request, code),
        decision=payload.decision,
        note=payload.note,
        forward=payload.forward,
        reason=payload.reason,
    )
    return _detail(request, code)


@router.post("/{code}/actions/forward", response=ACTED)
def forward(request: HttpRequest, code: str, payload: NoteIn | None = None) -> ItemDetailOut:
    """Step 4: the Kasi sends the corrected version to the Kabid."""
    note = payload.note if payload else ""
    actions.forward(current_user(request), _item(request, code), note=note)
    return _detail(request, code)


@router.post("/{code}/actions/verify", response=ACTED)
def verify(request: HttpRequest, code: str, payload: DecisionIn) -> ItemDetailOut:
    """Step 5: the Kabid verifies (approve) or returns the version to the operator."""
    actions.verify(
        current_user(request),
        _item(request, code),
        decision=payload.decision,
        note=payload.note,
        reason=payload.reason,
    )
    return _detail(request, code)


@router.post("/{code}/actions/handover", response=ACTED)
def handover(request: HttpRequest, code: str, payload: HandoverIn | None = None) -> ItemDetailOut:
    """Step 6: the Kasi hands the verified version to the operator (optionally with a time)."""
    payload = payload or HandoverIn(note="", at=None)
    actions.handover(current_user(request), _item(request, code), note=payload.note, at=payload.at)
    return _detail(request, code)


@router.post("/{code}/actions/post", response=ACTED)
def post(request: HttpRequest, code: str, payload: PostIn | None = None) -> ItemDetailOut:
    """Step 7: the operator posts the verified version; ``links`` holds the permalinks."""
    payload = payload or PostIn(channels=None, at=None)
    actions.post(
        current_user(request), _item(request, code), channels=payload.channels, at=payload.at
    )
    return _detail(request, code)


@router.post("/{code}/actions/{action}", response=ERRORS, include_in_schema=False)
def unknown_action(request: HttpRequest, code: str, action: str) -> None:
    raise HttpError(
        404,
        _("Unknown action “%(action)s”. Available: %(known)s.")
        % {"action": action, "known": ", ".join(ACTIONS)},
    )
