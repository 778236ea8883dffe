"""The HTTP choke point: no internal addresses, and what a timeout means."""

from __future__ import annotations

from typing import Any

import pytest

from channels import http
from channels.base import ChannelError
from channels.fakes import FakePlatforms


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/wp-json/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
    ],
)
def test_internal_addresses_are_refused(url: str, settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ChannelError) as caught:
        http.check_public(url)
    assert caught.value.permanent


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "//x", ""])
def test_only_web_addresses_are_allowed(url: str) -> None:
    with pytest.raises(ChannelError):
        http.check_public(url)


def test_a_public_address_passes(settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    http.check_public("http://93.184.215.14/")  # a literal public address: no DNS needed


def test_a_timeout_after_sending_a_post_is_unknown_but_a_get_is_only_transient(
    fake: FakePlatforms,
) -> None:
    fake.inject("timeout", "x", method="POST")
    with pytest.raises(ChannelError) as caught:
        http.request("POST", f"{fake.url}/2/tweets", json={"text": "a"})
    assert (caught.value.unknown, caught.value.permanent) == (True, False)
    fake.inject("timeout", "x", method="GET")
    with pytest.raises(ChannelError) as caught:
        http.request("GET", f"{fake.url}/2/users/me")
    assert (caught.value.unknown, caught.value.permanent) == (False, False)


def test_nothing_listening_is_transient_and_certainly_not_sent() -> None:
    with pytest.raises(ChannelError) as caught:
        http.request("POST", "http://127.0.0.1:9/")
    assert (caught.value.unknown, caught.value.permanent) == (False, False)
