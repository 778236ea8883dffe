"""Retracting an item: its posts taken down on every channel (``channels.actions``)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.errors import HttpError

from api import render
from api.auth import current_user
from api.outputs import ErrorOut, ItemDetailOut
from api.schemas import Input
from channels.actions import NOTE_MAX, retract_item
from newsroom.actions import NOTE_MAX as REOPEN_NOTE_MAX
from newsroom.actions import reopen as reopen_item
from newsroom.models import Item

router = Router(tags=["items"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class RetractIn(Input):
    reason: Literal["correction", "personal_data", "other"] = Field(
        ..., description="Shown on the website's notice"
    )
    note: str = Field("", max_length=NOTE_MAX, description="Kept in the audit log only")


def _item(request: HttpRequest, code: str) -> Item:
    item = render.visible_items(current_user(request)).filter(code=code).first()
    if item is None:
        raise HttpError(404, _("There is no news item with the code “%(code)s”.") % {"code": code})
    return item


@router.post("/{code}/actions/retract", response={200: ItemDetailOut, **ERRORS})
def retract(request: HttpRequest, code: str, payload: RetractIn) -> ItemDetailOut:
    """Take the item down on every channel (its Kabid or Kasi); the website shows a notice."""
    retract_item(current_user(request), _item(request, code), payload.reason, note=payload.note)
    items = render.with_history(render.visible_items(current_user(request)))
    return render.item_detail(items.get(code=code))


class ReopenIn(Input):
    note: str = Field(..., max_length=REOPEN_NOTE_MAX, description="What must be corrected")


@router.post("/{code}/actions/reopen", response={200: ItemDetailOut, **ERRORS})
def reopen(request: HttpRequest, code: str, payload: ReopenIn) -> ItemDetailOut:
    """Reopen a posted item for a correction (its Kabid or Kasi): back to the operator's draft;
    the corrected version runs review, verification, hand-over and posting again."""
    reopen_item(current_user(request), _item(request, code), note=payload.note)
    items = render.with_history(render.visible_items(current_user(request)))
    return render.item_detail(items.get(code=code))
