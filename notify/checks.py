"""System checks: warn when WhatsApp is half configured (sending works, replies would not)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def whatsapp_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.WHATSAPP_TOKEN:
        return []  # WhatsApp off (or configured by an admin in the database)
    missing = [
        name
        for name in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
        if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        Warning(
            f"WHATSAPP_TOKEN is set but {', '.join(missing)} is not: messages cannot be sent "
            "or the webhook will refuse the platform's posts.",
            hint="Set them in the environment or under Admin → WhatsApp settings. "
            "See docs/whatsapp.md.",
            id="notify.W001",
        )
    ]
