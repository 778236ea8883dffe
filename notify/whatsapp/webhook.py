"""``/webhooks/whatsapp``: the platform's GET verification and signed POSTs."""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notify.whatsapp import config, inbound
from notify.whatsapp.payload import Malformed, parse

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature(secret: str, body: bytes) -> str:
    """The header value the platform sends for this body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    settings_in_force = config.current()
    if request.method == "GET":
        mode = request.GET.get("hub.mode", "")
        token = request.GET.get("hub.verify_token", "")
        expected = settings_in_force.verify_token
        if mode == "subscribe" and expected and hmac.compare_digest(token, expected):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse("verification failed", status=403, content_type="text/plain")

    sent = request.headers.get(SIGNATURE_HEADER, "")
    if not sent:
        return HttpResponse("signature missing", status=401, content_type="text/plain")
    secret = settings_in_force.app_secret
    if not secret or not hmac.compare_digest(
        sent.encode(), signature(secret, request.body).encode()
    ):
        return HttpResponse("signature mismatch", status=403, content_type="text/plain")
    try:
        payload = parse(request.body)
    except Malformed as exc:
        # Signed, so the platform (or whoever holds the app secret) sent it: say what is wrong.
        return HttpResponse(
            f"body is not a WhatsApp webhook body ({exc})", status=400, content_type="text/plain"
        )
    inbound.handle_payload(payload)
    return HttpResponse("ok", content_type="text/plain")
