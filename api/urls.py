"""The REST API under ``/api/v1``: thin routers over ``newsroom.actions``.

Bearer tokens only (no session cookies, so no CSRF). The Swagger page is served only when
``ninja`` is an installed app: then it loads ninja's own static files, never a CDN.
"""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from api import errors
from api.auth import BearerToken
from api.routes_auth import router as auth_router
from api.routes_channels import router as channels_router
from api.routes_items import router as items_router
from api.routes_me import router as me_router
from api.routes_reports import router as reports_router
from api.routes_retract import router as retract_router
from api.routes_sop import router as sop_router

api = NinjaAPI(
    title="Warta API",
    version="1",
    description="News items run through the office's SOP: assign, direct, submit/review, "
    "forward, verify, handover, post.",
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs_url="/docs" if apps.is_installed("ninja") else None,
)
# The view arguments that carry a request body (dropped from field names in error messages).
errors.install(api, body_params={"payload", "credentials"})
api.add_router("/auth", auth_router)
api.add_router("/sop", sop_router)
api.add_router("/me", me_router)
# Before the items router, whose catch-all answers unknown actions.
api.add_router("/items", retract_router)
api.add_router("/items", items_router)
api.add_router("/channels", channels_router)
api.add_router("/reports", reports_router)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
