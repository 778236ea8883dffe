"""The one HTTP choke point for every platform call.

Timeouts on every request; user-typed URLs (a WordPress site, an ``api_base`` override) may not
point into the office's own network unless ``WARTA_ALLOW_PRIVATE_URLS`` is set; transport
failures become a ChannelError that says whether the request may have reached the platform.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

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


def _client() -> httpx.Client:
    # One client (connection pool) per thread: Huey runs deliveries in several threads.
    client: httpx.Client | None = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False)
        _local.client = client
    return client


def check_public(url: str) -> None:
    """Refuse URLs that are not http(s) or that resolve to a private, loopback, link-local or
    otherwise internal address (server-side request forgery)."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise ChannelError(
            _("The address “%(url)s” is not a web address (http or https).") % {"url": url},
            permanent=True,
        )
    if conf.get("WARTA_ALLOW_PRIVATE_URLS"):
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ChannelError(
            _("The name “%(host)s” cannot be found: check the address.") % {"host": host},
            permanent=False,
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ChannelError(
                _(
                    "The address “%(host)s” points into an internal network; Warta only posts "
                    "to public sites."
                )
                % {"host": host},
                permanent=True,
            )


def ambiguous(response: httpx.Response) -> bool:
    """A server error to a request that changes something: it may have been done anyway."""
    return response.status_code >= 500 and response.request.method not in SAFE_METHODS


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send one request; any HTTP status is returned, transport failures raise ChannelError."""
    check_public(url)
    timeout = httpx.Timeout(
        conf.get("WARTA_HTTP_TIMEOUT"), connect=conf.get("WARTA_HTTP_CONNECT_TIMEOUT")
    )
    host = urlsplit(url).hostname or url
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
