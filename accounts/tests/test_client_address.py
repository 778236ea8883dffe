"""Finding 2 of issue 13: every throttle counts by one client address, and a forwarded header
counts only as far as a configured proxy wrote it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.addresses import address_key, client_address
from accounts.models import ApiToken, User
from accounts.testing import PASSWORD

Office = dict[str, User]
TOKEN_URL = "/api/v1/auth/token"


def address_of(remote: str, forwarded: str | None, proxies: list[str], settings: Any) -> str:
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        # No proxy configured: the header is the client's own claim.
        ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),
        ("127.0.0.1", "198.51.100.1", [], "127.0.0.1"),
        # nginx on the same machine: the address it appended, not what the client wrote.
        ("127.0.0.1", "198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "10.9.9.9, 1.2.3.4, 198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        # A header from a peer that is not a proxy is ignored even when proxies are configured.
        ("203.0.113.9", "127.0.0.1", ["127.0.0.1"], "203.0.113.9"),
        # A chain: load balancers in 10.0.0.0/8 in front of nginx.
        (
            "127.0.0.1",
            "1.1.1.1, 198.51.100.1, 10.0.0.5",
            ["127.0.0.1", "10.0.0.0/8"],
            "198.51.100.1",
        ),
        # The client is as far as we can tell when the chain holds only proxies or garbage.
        ("127.0.0.1", "10.0.0.5", ["127.0.0.1", "10.0.0.0/8"], "10.0.0.5"),
        ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", "bogus, 10.0.0.5", ["127.0.0.1", "10.0.0.0/8"], "10.0.0.5"),
        # Ports, brackets, IPv6 and IPv4-mapped IPv6 as proxies write them.
        ("::1", "[2001:db8::7]:443", ["::1"], "2001:db8::7"),
        ("127.0.0.1", "198.51.100.1:5555", ["127.0.0.1"], "198.51.100.1"),
        ("::ffff:127.0.0.1", "198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
    ],
)
def test_it_takes_the_right_most_address_that_is_not_a_trusted_proxy(
    remote: str, forwarded: str, proxies: list[str], expected: str, settings: Any
) -> None:
    assert address_of(remote, forwarded, proxies, settings) == expected


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("198.51.100.1") == "198.51.100.1"


def _token(client: Client, username: str, password: str, forwarded: str) -> Any:
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        headers={"X-Forwarded-For": forwarded},
    )


def _web(client: Client, username: str, password: str, forwarded: str) -> Any:
    return client.post(
        reverse("login"),
        {"login": username, "password": password},
        headers={"X-Forwarded-For": forwarded},
    )


@pytest.mark.parametrize("attempt", [_token, _web], ids=["api token", "web sign-in"])
def test_forty_guesses_over_forty_usernames_with_forged_headers_are_throttled(
    client: Client, office: Office, settings: Any, attempt: Any
) -> None:
    """The review's attack: a new X-Forwarded-For with each of 40 guesses. No proxy is
    configured (the default), so every guess counts for the one address that sent them."""
    answers = [attempt(client, f"tebakan{n}", "salah", f"198.51.100.{n}") for n in range(40)]

    tried = settings.LOGIN_ADDRESS_LIMIT
    checked = 401 if attempt is _token else 200
    assert [a.status_code for a in answers[:tried]] == [checked] * tried
    assert {a.status_code for a in answers[tried:]} == {429}
    assert all(int(a["Retry-After"]) > 0 for a in answers[tried:])
    assert "Terlalu banyak" in answers[-1].content.decode()  # in Indonesian


def test_a_throttled_address_gets_no_token_by_sending_another_header(
    client: Client, office: Office, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_LIMIT = 3
    for n in range(3):
        _token(client, f"tebakan{n}", "salah", "203.0.113.7")

    refused = _token(client, "operator1", PASSWORD, "198.51.100.200")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("attempt", [_token, _web], ids=["api token", "web sign-in"])
def test_behind_a_configured_proxy_the_real_client_address_is_counted(
    client: Client, office: Office, settings: Any, attempt: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's peer plays nginx
    settings.LOGIN_ADDRESS_LIMIT = 3
    for n in range(3):
        # What the attacker writes left of nginx's entry changes nothing.
        attempt(client, f"tebakan{n}", "salah", f"10.0.0.{n}, 203.0.113.9")

    attacker = attempt(Client(), "operator1", PASSWORD, "10.1.1.1, 203.0.113.9")
    colleague = attempt(Client(), "operator1", PASSWORD, "203.0.113.9, 198.51.100.4")

    assert attacker.status_code == 429
    assert colleague.status_code in (200, 302)  # a token, or the web session's redirect
    assert colleague.status_code != 429


def test_allauth_and_ninja_count_by_the_same_address(rf: RequestFactory, settings: Any) -> None:
    from allauth.account.adapter import get_adapter
    from ninja.throttling import AnonRateThrottle

    from api.routes_auth import ClientAddressThrottle

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1")

    assert get_adapter(request).get_client_ip(request) == "198.51.100.1"
    assert ClientAddressThrottle("30/m").get_ident(request) == "198.51.100.1"
    # ninja's own lookup (what the API used before) believed the whole header.
    assert AnonRateThrottle("30/m").get_ident(request) != "198.51.100.1"


@pytest.fixture
def _forget_counts() -> Iterator[None]:
    """A transactional test keeps the database cache's rows: leave no counts to the tests after
    it. (A Redis cache is emptied before each test by conftest.py, its owner mark kept: its
    clear() would flush the whole database, mark included.)"""
    yield
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        cache.clear()


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket_forged_headers_do_not_reset_the_count(
    live_server: Any, office: Office, settings: Any, _forget_counts: None
) -> None:
    settings.LOGIN_ADDRESS_LIMIT = 3
    with httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=30) as http:
        for n in range(3):
            http.post(
                "/auth/token",
                json={"username": f"tebakan{n}", "password": "salah"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
        refused = http.post(
            "/auth/token",
            json={"username": "operator1", "password": PASSWORD},
            headers={"X-Forwarded-For": "192.0.2.77"},
        )

    assert refused.status_code == 429
    assert refused.headers["Retry-After"].isdigit()
    assert not ApiToken.objects.exists()


def test_the_system_check_names_a_missing_or_malformed_proxy_setting(settings: Any) -> None:
    from accounts.checks import trusted_proxies

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert [m.id for m in trusted_proxies()] == ["accounts.W001"]
    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx"]
    assert [m.id for m in trusted_proxies()] == ["accounts.E001"]
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert trusted_proxies() == []
