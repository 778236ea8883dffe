"""Channel settings with their defaults (each may be set in settings.py or the environment)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Graph API version for Facebook and Instagram (platforms.md: v25.0 Feb 2026, v26.0 Jul 2026).
    "WARTA_GRAPH_API_VERSION": "v25.0",
    "WARTA_GRAPH_BASE": "https://graph.facebook.com",
    "WARTA_INSTAGRAM_BASE": "https://graph.instagram.com",
    "WARTA_X_BASE": "https://api.x.com",
    # Sign-in pages (OAuth authorize) and Instagram Login's token host.
    "WARTA_X_AUTH_BASE": "https://x.com",
    "WARTA_FACEBOOK_AUTH_BASE": "https://www.facebook.com",
    "WARTA_INSTAGRAM_AUTH_BASE": "https://www.instagram.com",
    "WARTA_INSTAGRAM_TOKEN_BASE": "https://api.instagram.com",
    # Seconds to connect / to wait for each answer.
    "WARTA_HTTP_CONNECT_TIMEOUT": 5.0,
    "WARTA_HTTP_TIMEOUT": 20.0,
    # Allow user-typed URLs (a WordPress site, an api_base) on private or loopback addresses.
    "WARTA_ALLOW_PRIVATE_URLS": False,
    # Instagram: how many times and how often to ask whether a container is ready.
    "WARTA_INSTAGRAM_POLLS": 10,
    "WARTA_INSTAGRAM_POLL_SECONDS": 2.0,
}


def get(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, int):
        return int(raw)
    return raw
