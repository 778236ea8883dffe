"""``/sop``: the SOP currently in force, as Warta runs it, with links to its official document."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from api import render
from api.outputs import SopOut
from sop.models import SopVersion

router = Router(tags=["sop"])


@router.get("", response=SopOut)
def current_sop(request: HttpRequest) -> SopOut:
    site = settings.SITE_URL.rstrip("/")
    return render.sop(
        SopVersion.objects.current().sop,
        document_url=site + reverse("sop:document"),
        document_pdf_url=site + reverse("sop:document_pdf"),
    )
