"""Send a signed WhatsApp webhook POST to a running Warta, as the platform would.

    manage.py whatsapp_simulate --from 6281200000002 --tap approve --item <code>
    manage.py whatsapp_simulate --from 6281200000001 --tap return --item <code>
    manage.py whatsapp_simulate --from 6281200000001 --text "Perbaiki judul."

The button payload is the one Warta put on the last WhatsApp message it sent that person about
the item (what a tap would send back); without one, it is built from the item as it is now.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.models import Item
from notify.base import Message
from notify.messages import decision_payload
from notify.models import Delivery
from notify.phone import normalise_whatsapp
from notify.whatsapp import config
from notify.whatsapp.webhook import SIGNATURE_HEADER, signature


class Command(BaseCommand):
    help = "Post a signed WhatsApp webhook (a button tap or a text) to Warta."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="sender", required=True, help="the sender's number")
        parser.add_argument("--tap", choices=["approve", "return"])
        parser.add_argument("--item", help="the item's code (with --tap)")
        parser.add_argument("--text", help="a text message (e.g. the reason after a return)")
        parser.add_argument(
            "--url", default=f"{settings.SITE_URL}/webhooks/whatsapp", help="Warta's webhook"
        )
        parser.add_argument(
            "--fake",
            default="",
            help="the fake platform's base URL: its 24-hour window is opened for the sender",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            number = normalise_whatsapp(options["sender"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        message: dict[str, Any] = {
            "from": number,
            "id": "wamid.sim" + secrets.token_hex(10),
            "timestamp": str(int(time.time())),
        }
        if options["tap"]:
            if not options["item"]:
                raise CommandError("--tap needs --item CODE")
            payload = self._payload(number, options["tap"], options["item"])
            label = "Setujui" if options["tap"] == "approve" else "Kembalikan"
            message.update(type="button", button={"payload": payload, "text": label})
        elif options["text"]:
            message.update(type="text", text={"body": options["text"]})
        else:
            raise CommandError("say what to send: --tap approve|return --item CODE, or --text")
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "0",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {"messaging_product": "whatsapp", "messages": [message]},
                            }
                        ],
                    }
                ],
            }
        ).encode()
        secret = config.current().app_secret
        if not secret:
            raise CommandError("WHATSAPP_APP_SECRET is not set (nor in the admin).")
        if options["fake"]:
            httpx.post(f"{options['fake'].rstrip('/')}/_fake/inbound", json={"from": number})
        response = httpx.post(
            options["url"],
            content=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature(secret, body)},
            timeout=30,
        )
        self.stdout.write(f"{response.status_code} {response.text}")
        if response.status_code != 200:
            raise CommandError("the webhook refused the post")

    def _payload(self, number: str, decision: str, code: str) -> str:
        sent = (
            Delivery.objects.filter(notifier="whatsapp", address=number, item_code=code)
            .order_by("-created_at", "-pk")
            .first()
        )
        if sent is not None:
            for action in Message.from_json(sent.message).actions:
                if action.decision == decision:
                    return action.payload
        item = Item.objects.filter(code=code).first()
        run = item.open_run() if item else None
        version = item.latest_version() if item else None
        if item is None or run is None or version is None:
            raise CommandError(f"item {code} has no open step with a version")
        return decision_payload(decision, run, version.sha256)
