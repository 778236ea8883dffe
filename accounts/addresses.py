"""The client's address, the one every throttle counts by (sign-in, second step, API tokens,
allauth's own limits, ninja's request throttle).

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far as
the proxies Warta was told about (``WARTA_TRUSTED_PROXIES``: addresses or networks, default
none). Each trusted proxy appends the address it received the request from; reading the header
from the right, the first address that is not a trusted proxy is the client. Everything to its
left is what the client claimed and is ignored, so a forged header changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Counted per /64: one IPv6 subscriber line usually gets a whole /64 and can rotate through it.
IPV6_PREFIX = 64


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def trusted_proxies() -> tuple[Network, ...]:
    """``settings.TRUSTED_PROXIES`` as networks (a bare address is a /32 or /128)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str) -> Address | None:
    """An address as proxies write it (``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``, ``::1``),
    IPv4-mapped IPv6 as IPv4; None for anything else."""
    text = value.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``: the peer itself, or, when the peer is a
    trusted proxy, the right-most address in ``X-Forwarded-For`` that is not a trusted proxy."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return "unknown"
    proxies = trusted_proxies()
    client = peer
    if _is_trusted(peer, proxies):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = parse_address(hop)
            if address is None:
                # Unreadable: nothing left of it can be believed; the last proxy that handed
                # the request on is as close to the client as we can tell.
                break
            client = address
            if not _is_trusted(address, proxies):
                break
    return str(client)


def address_key(address: str) -> str:
    """What throttles count by: the address, or its /64 network for IPv6."""
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed) if parsed is not None else address[:64]
