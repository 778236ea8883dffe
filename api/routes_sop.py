"""``/sop``: the SOP currently in force, as Warta runs it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from api import render
from api.outputs import SopOut
from sop.models import SopVersion

router = Router(tags=["sop"])


@router.get("", response=SopOut)
def current_sop(request: HttpRequest) -> SopOut:
    return render.sop(SopVersion.objects.current().sop)
