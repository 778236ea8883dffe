"""The fake WhatsApp platform on localhost, office members with numbers, signed webhook posts."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from notify.models import NotifyProfile
from notify.whatsapp.fake import FakeWhatsApp
from notify.whatsapp.webhook import signature

APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me"
NUMBERS = {
    "kabid": "6281100000001",
    "kasi": "6281100000002",
    "operator1": "6281100000003",
    "operator2": "6281100000004",
}


@pytest.fixture
def fake_whatsapp(settings: Any) -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp().start()
    settings.WHATSAPP_API_BASE = fake.api_base
    settings.WHATSAPP_PHONE_NUMBER_ID = fake.phone_number_id
    settings.WHATSAPP_TOKEN = fake.token
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    # The fake listens on 127.0.0.1, which the address guard refuses otherwise.
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    yield fake
    fake.stop()


@pytest.fixture
def people(office: dict[str, User]) -> dict[str, User]:
    """The office with email addresses and WhatsApp numbers."""
    for name, user in office.items():
        user.email = f"{name}@warta.test"
        user.save(update_fields=["email"])
        if name in NUMBERS:
            NotifyProfile.objects.create(user=user, whatsapp=NUMBERS[name])
    return office


def webhook_body(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None) -> bytes:
    value: dict[str, Any] = {"messaging_product": "whatsapp", "messages": list(messages)}
    if statuses:
        value["statuses"] = statuses
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def tap(number: str, payload: str, title: str = "Setujui") -> dict[str, Any]:
    return {
        "from": number,
        "id": "wamid.in" + secrets.token_hex(8),
        "timestamp": "1700000000",
        "type": "button",
        "button": {"payload": payload, "text": title},
    }


def text(number: str, body: str) -> dict[str, Any]:
    return {
        "from": number,
        "id": "wamid.in" + secrets.token_hex(8),
        "timestamp": "1700000000",
        "type": "text",
        "text": {"body": body},
    }


@pytest.fixture
def post_webhook(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST a body to /webhooks/whatsapp signed with the app secret (or ``sign=`` given)."""

    def post(body: bytes, sign: str | None = None) -> Any:
        header = signature(APP_SECRET, body) if sign is None else sign
        headers = {"X-Hub-Signature-256": header} if header else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/webhooks/whatsapp", body, content_type="application/json", headers=headers
            )

    return post


def payload_sent_to(fake: FakeWhatsApp, number: str, decision: str) -> str:
    """The quick-reply payload of the last decision template sent to this number."""
    for body in reversed(fake.sent()):
        if body["to"] == number and body["type"] == "template":
            for component in body["template"]["components"]:
                if component["type"] == "button":
                    payload: str = component["parameters"][0]["payload"]
                    if payload.startswith(decision + ":"):
                        return payload
    raise AssertionError(f"no {decision} button was sent to {number}")
