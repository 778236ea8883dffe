"""Signing in through the real form in tests, second step included.

Test users who must use the second step carry the demo authenticator secret (conftest.py's
``office``, like seed_demo's demo office), so a test computes the code an authenticator app would
show. allauth accepts each code only once and the current, previous and next 30-second codes, so
a test that signs the same person in again soon after tries the neighbouring codes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import totp_code
from lib import clock

PASSWORD = "rahasia-123"


class MovableClock:
    """Warta's clock (lib.clock) held still, moved on by the test: throttle waits and session
    lifetimes read it. (Authenticator codes follow the real time, as a phone's app does.)"""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = clock.now()
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def candidate_codes(secret: str = DEMO_TOTP_SECRET) -> Iterator[str]:
    """The codes valid now, the current one first."""
    now = time.time()
    for steps in (0, 1, -1):
        yield totp_code(secret, now + 30 * steps)


def answer_second_step(client: Client, secret: str = DEMO_TOTP_SECRET) -> Any:
    """Give the code at allauth's second step: the redirect that signs in, or None if no code
    was accepted."""
    for code in candidate_codes(secret):
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        if response.status_code == 302:
            return response
    return None


def issue_api_token(client: Client, username: str, password: str = PASSWORD) -> str:
    """A bearer token from ``POST /api/v1/auth/token``, with the authenticator code for the
    roles that need one (each code is accepted once, so the neighbouring codes are tried)."""
    response = None
    for code in candidate_codes():
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password, "code": code},
            content_type="application/json",
        )
        if response.status_code == 200:
            token: str = response.json()["token"]
            return token
    raise AssertionError(f"{username}: no token ({response and response.content!r})")


def sign_in(client: Client, username: str, password: str = PASSWORD) -> None:
    """Password, then (when asked) the code from the authenticator app."""
    response = client.post(reverse("login"), {"login": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"].startswith(reverse("mfa_authenticate")):
        assert answer_second_step(client) is not None, f"{username}: no code was accepted"
    assert "_auth_user_id" in client.session


def answer_second_step_in_browser(page: Any, secret: str = DEMO_TOTP_SECRET) -> None:
    """In a Playwright page that has just sent the password: when allauth asks for the code
    (Kabid, Kasi, admin), type what the authenticator app shows; an operator's sign-in is left
    as it is."""
    from playwright.sync_api import expect

    page.wait_for_url(lambda url: reverse("login") not in url)
    if reverse("mfa_authenticate") not in page.url:
        return
    for code in candidate_codes(secret):
        page.get_by_label("Kode").fill(code)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_load_state()
        if reverse("mfa_authenticate") not in page.url:
            return
        expect(page.get_by_text("Kode salah.")).to_be_visible()
    raise AssertionError("no authenticator code was accepted")
