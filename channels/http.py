"""The one HTTP choke point for every platform call (and WhatsApp's).

Timeouts on every request; user-typed URLs (a WordPress site, an ``api_base`` override) may not
point into the office's own network unless ``WARTA_ALLOW_PRIVATE_URLS`` is set; transport
failures become a ChannelError that says whether the request may have reached the platform.

The address guard and the connection use one name lookup: the network backend below resolves
the host, refuses the connection if any of its addresses is internal, and connects to an address
it has just checked. Checking first and letting the client resolve again at connect time would
let a name answer a public address to the check and 127.0.0.1 to the connection (DNS
rebinding). The URL, the Host header and TLS (SNI and certificate verification) keep the name.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.utils.translation import gettext as _

from channels import conf
from channels.base import ChannelError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
USER_AGENT = "Warta/1 (+https://github.com/warta)"

_local = threading.local()
# httpx logs every URL at INFO; some platforms take tokens as query parameters (Instagram's
# refresh_access_token), and tokens must never reach the logs.
logging.getLogger("httpx").setLevel(logging.WARNING)


class Unresolvable(ChannelError):
    """The name has no address now (a typo, or DNS is down): transient."""


def resolve(host: str, port: int) -> list[str]:
    """Every address of ``host``, in the resolver's order: the one name lookup of a check or
    a connection."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_internal(address: str) -> bool:
    """Private, loopback, link-local, reserved or multicast (an IPv4-mapped IPv6 address is
    judged by its IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses of ``host`` that Warta may connect to: every one public (unless
    WARTA_ALLOW_PRIVATE_URLS), else a permanent ChannelError naming the host."""
    unknown = Unresolvable(
        _("The name “%(host)s” cannot be found: check the address.") % {"host": host},
        permanent=False,
    )
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise unknown from exc
    if not addresses:
        raise unknown
    if not conf.get("WARTA_ALLOW_PRIVATE_URLS") and any(is_internal(a) for a in addresses):
        raise ChannelError(
            _(
                "The address “%(host)s” points into an internal network; Warta only posts "
                "to public sites."
            )
            % {"host": host},
            permanent=True,
        )
    return addresses


def web_host(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL; a permanent ChannelError for anything else."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is no number, or out of range
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ChannelError(
            _("The address “%(url)s” is not a web address (http or https).") % {"url": url},
            permanent=True,
        )
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_public(url: str) -> None:
    """Refuse URLs that are not http(s) or whose name resolves to a private, loopback,
    link-local or otherwise internal address (server-side request forgery)."""
    host, port = web_host(url)
    if not conf.get("WARTA_ALLOW_PRIVATE_URLS"):
        checked_addresses(host, port)


def refusal_of_saved_url(url: str) -> str | None:
    """Why a URL a person types (an account's site or API address) may not be saved, or None.

    A name that cannot be resolved now may be saved: every connection checks it again."""
    try:
        check_public(url)
    except Unresolvable:
        return None
    except ChannelError as exc:
        return exc.message
    return None


class PinnedBackend(httpcore.SyncBackend):
    """Connects only to addresses that ``checked_addresses`` has just approved for the host."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in checked_addresses(host, port):
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # as socket.create_connection does: try the next address
        assert failure is not None
        raise failure


def ssl_context() -> ssl.SSLContext:
    """httpx's own verification (certifi's roots, or SSL_CERT_FILE), for the name in the URL."""
    return httpx.create_ssl_context()


# httpx's own default pool limits (httpx.Limits() alone would set no limit at all).
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with the pinned network backend (httpx takes no backend itself)."""

    def __init__(self) -> None:
        super().__init__(limits=LIMITS)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context(),
            max_connections=LIMITS.max_connections,
            max_keepalive_connections=LIMITS.max_keepalive_connections,
            keepalive_expiry=LIMITS.keepalive_expiry,
            network_backend=PinnedBackend(),
        )


def _client() -> httpx.Client:
    # One client (connection pool) per thread: Huey runs deliveries in several threads. With a
    # transport of its own, httpx ignores HTTP(S)_PROXY from the environment: a proxy would
    # resolve names itself, past the guard (an account's api_base is the way to use one).
    client: httpx.Client | None = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, follow_redirects=False, transport=PinnedTransport()
        )
        _local.client = client
    return client


def ambiguous(response: httpx.Response) -> bool:
    """A server error to a request that changes something: it may have been done anyway."""
    return response.status_code >= 500 and response.request.method not in SAFE_METHODS


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send one request; any HTTP status is returned, transport failures raise ChannelError
    (the address guard's refusal included: it runs when the connection is made)."""
    host, _port = web_host(url)
    timeout = httpx.Timeout(
        conf.get("WARTA_HTTP_TIMEOUT"), connect=conf.get("WARTA_HTTP_CONNECT_TIMEOUT")
    )
    try:
        return _client().request(method, url, timeout=timeout, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise ChannelError(
            _("Cannot reach %(host)s now; Warta will try again.") % {"host": host},
            permanent=False,
        ) from exc
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
        # The request was sent: whether the platform acted on it is unknown.
        raise ChannelError(
            _("%(host)s did not answer in time; Warta checks whether the post exists.")
            % {"host": host},
            permanent=False,
            unknown=method.upper() not in SAFE_METHODS,
        ) from exc
    except httpx.HTTPError as exc:
        raise ChannelError(
            _("The connection to %(host)s failed (%(error)s).")
            % {"host": host, "error": type(exc).__name__},
            permanent=False,
            unknown=method.upper() not in SAFE_METHODS,
        ) from exc


def json_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a response ({} when the body is not a JSON object)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {"data": data}
