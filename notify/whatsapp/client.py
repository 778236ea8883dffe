"""Outbound calls to the WhatsApp Cloud API through the channels' one HTTP client
(``channels.http``: the address guard, timeouts), every platform error turned into a sentence an
admin can act on. Nothing is retried here: a transient error leaves the delivery queued and its
job tries again later (``notify.tasks``), so no request waits on a sleep."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import http
from channels.base import ChannelError
from notify.base import NotifyError
from notify.whatsapp.config import Config
from notify.whatsapp.templates import LANGUAGE, TEMPLATES

ERROR_CODE = re.compile(r"[0-9]{1,9}")
THROUGHPUT = {4, 80007, 130429}
TOKEN = 190
OUTSIDE_WINDOW = 131047

_SENTENCES = {
    TOKEN: gettext_lazy(
        "WhatsApp refused the access token (error 190): it has expired or was revoked. An "
        "admin must enter a new token under Admin → WhatsApp settings (or WHATSAPP_TOKEN)."
    ),
    OUTSIDE_WINDOW: gettext_lazy(
        "Free text can only be sent within 24 hours of the person's last message (error "
        "131047); a template message is needed."
    ),
    131026: gettext_lazy(
        "WhatsApp could not deliver to this number (error 131026): check that the number is "
        "on WhatsApp."
    ),
    131048: gettext_lazy(
        "WhatsApp is limiting messages from this business number as spam (error 131048)."
    ),
    132000: gettext_lazy(
        "The template's variables do not match the approved template (error 132000)."
    ),
    132001: gettext_lazy(
        "The template does not exist or is not approved in this language (error 132001)."
    ),
}


def error_sentence(code: int | None, detail: str) -> str:
    """What an admin should know about platform error ``code`` (``detail``: the platform's
    own words, for codes without a sentence of their own)."""
    if code in THROUGHPUT:
        return _(
            "WhatsApp's rate limit was reached (error %(code)s); the message will be sent "
            "again later."
        ) % {"code": code}
    if code in _SENTENCES:
        return str(_SENTENCES[code])
    return _("WhatsApp refused the message: %(detail)s (error %(code)s).") % {
        "detail": detail,
        "code": code,
    }


class WhatsAppClient:
    def __init__(self, config: Config) -> None:
        self.config = config

    def send_text(self, to: str, body: str) -> str:
        """Free text (only inside the 24-hour window); returns the message id (wamid)."""
        return self._post(
            {
                "messaging_product": "whatsapp",
                "to": to,
                "type": "text",
                "text": {"body": body[:4096]},
            }
        )

    def send_template(
        self, to: str, name: str, params: list[str], payloads: list[str] | None = None
    ) -> str:
        """An approved template with its body variables and quick-reply payloads."""
        template = TEMPLATES[name]
        components: list[dict[str, Any]] = [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": p[:1000]} for p in params],
            }
        ]
        for index, payload in enumerate((payloads or [])[: len(template.buttons)]):
            components.append(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload[:256]}],
                }
            )
        return self._post(
            {
                "messaging_product": "whatsapp",
                "to": to,
                "type": "template",
                "template": {
                    "name": name,
                    "language": {"code": LANGUAGE},
                    "components": components,
                },
            }
        )

    def _post(self, body: dict[str, Any]) -> str:
        """Send once; the message id (wamid), or NotifyError (transient ones are retried by the
        delivery's job, not here)."""
        try:
            response = http.request(
                "POST",
                self.config.messages_url,
                json=body,
                headers={"Authorization": f"Bearer {self.config.token}"},
            )
        except ChannelError as exc:
            raise NotifyError(exc.message, permanent=exc.permanent) from exc
        data = http.json_of(response)
        if response.is_success:
            messages = data.get("messages")
            first = messages[0] if isinstance(messages, list) and messages else {}
            wamid = str(first.get("id") or "") if isinstance(first, dict) else ""
            if not wamid:
                raise NotifyError(
                    _("WhatsApp answered without a message id; the message will be sent again."),
                    permanent=False,
                )
            return wamid
        error = data.get("error")
        error = error if isinstance(error, dict) else {}
        raw_code = error.get("code")
        code = (
            int(raw_code) if isinstance(raw_code, int | str) and str(raw_code).isdigit() else None
        )
        message = error_sentence(code, str(error.get("message") or response.reason_phrase)[:300])
        transient = code in THROUGHPUT or (code is None and response.status_code >= 500)
        raise NotifyError(message, permanent=not transient, code=code)
