"""``/me``: who the token belongs to, what waits for them, and their notification settings."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from api import render
from api.auth import current_user
from api.outputs import ErrorOut, PersonOut, TaskWaitingOut
from newsroom.queries import waiting_for
from notify import actions

router = Router(tags=["me"])


class MeIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    whatsapp: str | None = None


class MeOut(PersonOut):
    whatsapp: str


@router.get("", response=PersonOut)
def me(request: HttpRequest) -> PersonOut:
    return render.person(current_user(request))


@router.patch("", response={200: MeOut, 400: ErrorOut})
def update_me(request: HttpRequest, payload: MeIn) -> MeOut:
    """Set my WhatsApp number (Indonesian forms are normalised to 62…; "" removes it)."""
    user = current_user(request)
    profile = actions.update_profile(user, whatsapp=payload.whatsapp)
    person = render.person(user)
    return MeOut(**person.dict(), whatsapp=profile.whatsapp)


@router.get("/tasks", response=list[TaskWaitingOut])
def my_tasks(request: HttpRequest) -> list[TaskWaitingOut]:
    """The items waiting for me, the longest-waiting first."""
    return [render.waiting_task(run) for run in waiting_for(current_user(request))]
