"""``/me``: who the token belongs to, and what waits for them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from api import render
from api.auth import current_user
from api.outputs import PersonOut, TaskWaitingOut
from newsroom.models import StepRun

router = Router(tags=["me"])


@router.get("", response=PersonOut)
def me(request: HttpRequest) -> PersonOut:
    return render.person(current_user(request))


@router.get("/tasks", response=list[TaskWaitingOut])
def my_tasks(request: HttpRequest) -> list[TaskWaitingOut]:
    """The items waiting for me, the longest-waiting first."""
    runs = (
        StepRun.objects.filter(assignee=current_user(request), finished_at__isnull=True)
        .select_related("item")
        .order_by("started_at", "pk")
    )
    return [render.waiting_task(run) for run in runs]
