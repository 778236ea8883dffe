"""System checks: warn when Warta sits behind a proxy it was not told about, or when the
trusted proxies are not addresses."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning


def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Behind nginx every request comes from nginx: without WARTA_TRUSTED_PROXIES the sign-in
    throttle would count the whole world as one address."""
    for proxy in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            return [
                Error(
                    f"WARTA_TRUSTED_PROXIES: {proxy!r} is not an address or a network.",
                    hint="Comma-separated addresses or CIDR networks, e.g. 127.0.0.1,::1.",
                    id="accounts.E001",
                )
            ]
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "WARTA_BEHIND_TLS_PROXY is on but WARTA_TRUSTED_PROXIES is empty: every "
                "client's sign-in attempts are counted as the proxy's address.",
                hint="Set WARTA_TRUSTED_PROXIES to the proxy's address (nginx on the same "
                "machine: 127.0.0.1,::1). See docs/security.md.",
                id="accounts.W001",
            )
        ]
    return []
