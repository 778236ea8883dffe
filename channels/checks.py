"""System checks: settings a channel needs, warned about at start-up (``manage.py check``)."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError


def _is_internal(host: str) -> bool:
    if host in ("localhost", "testserver") or host.endswith(".local"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


@register(Tags.compatibility)
def instagram_needs_a_public_site_url(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Instagram downloads each image from SITE_URL: an internal address always fails."""
    from channels.models import ChannelAccount

    try:
        in_use = ChannelAccount.objects.filter(kind="instagram", active=True).exists()
    except DatabaseError:  # not migrated yet
        return []
    host = urlsplit(settings.SITE_URL).hostname or ""
    if in_use and _is_internal(host):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL}, which Instagram cannot reach: every "
                "Instagram post will fail with 'media fetch failed'.",
                hint="Set SITE_URL to the office's public address (https://...).",
                id="channels.W001",
            )
        ]
    return []
