"""Outbound calls to the WhatsApp Cloud API: one HTTP choke point, retries only what is
retryable, and every platform error turned into a sentence an admin can act on."""

from __future__ import annotations

import time
from typing import Any

import httpx
from django.conf import settings

from notify.base import NotifyError
from notify.whatsapp.config import Config
from notify.whatsapp.templates import LANGUAGE, TEMPLATES

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
THROUGHPUT = {4, 80007, 130429}
TOKEN = 190
OUTSIDE_WINDOW = 131047
# Throughput errors are retried here a few times before the job backs off for longer.
RETRIES = 2

_SENTENCES = {
    TOKEN: "WhatsApp refused the access token (error 190): it has expired or was revoked. "
    "An admin must enter a new token under Admin → WhatsApp settings (or WHATSAPP_TOKEN).",
    OUTSIDE_WINDOW: "Free text can only be sent within 24 hours of the person's last message "
    "(error 131047); a template message is needed.",
    131026: "WhatsApp could not deliver to this number (error 131026): check that the number is "
    "on WhatsApp.",
    131048: "WhatsApp is limiting messages from this business number as spam (error 131048).",
    132000: "The template's variables do not match the approved template (error 132000).",
    132001: "The template does not exist or is not approved in this language (error 132001).",
}


def error_sentence(code: int | None, fallback: str) -> str:
    if code in THROUGHPUT:
        return f"WhatsApp's rate limit was reached (error {code}); the message will be retried."
    return _SENTENCES.get(code or 0, f"WhatsApp refused the message: {fallback} (error {code}).")


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
        attempt = 0
        while True:
            try:
                return self._post_once(body)
            except NotifyError as exc:
                if exc.code not in THROUGHPUT or attempt >= RETRIES:
                    raise
                attempt += 1
                time.sleep(settings.WHATSAPP_RETRY_BACKOFF * attempt)

    def _post_once(self, body: dict[str, Any]) -> str:
        try:
            response = httpx.post(
                self.config.messages_url,
                json=body,
                headers={"Authorization": f"Bearer {self.config.token}"},
                timeout=TIMEOUT,
            )
        except httpx.TimeoutException as exc:
            raise NotifyError(f"WhatsApp did not answer in time ({exc}).", permanent=False) from exc
        except httpx.HTTPError as exc:
            raise NotifyError(f"Cannot reach WhatsApp ({exc}).", permanent=False) from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.is_success:
            messages = data.get("messages") or [{}]
            wamid = str(messages[0].get("id", ""))
            if not wamid:
                raise NotifyError("WhatsApp answered without a message id.", permanent=False)
            return wamid
        error = data.get("error") or {}
        code = error.get("code")
        code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
        message = error_sentence(code, str(error.get("message") or response.reason_phrase))
        transient = code in THROUGHPUT or (code is None and response.status_code >= 500)
        raise NotifyError(message, permanent=not transient, code=code)
