"""Finding 7 of issue 13 (sessions): a signed-in session ends after an idle timeout and an
absolute lifetime, shorter for the Kabid, the Kasi and administrators than for operators. The
tests move Warta's clock and talk HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.models import User
from accounts.testing import MovableClock, sign_in

Office = dict[str, User]
MINUTE, HOUR = 60, 3600


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def browser_of(username: str) -> Client:
    client = Client()
    sign_in(client, username)
    return client


def opens_my_tasks(client: Client) -> bool:
    return client.get(reverse("tasks")).status_code == 200


def poll_bell(client: Client) -> Any:
    return client.get(
        reverse("notifications_bell"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"},
    )


@pytest.mark.parametrize("username", ["kabid", "kasi", "admin"])
def test_a_head_idle_for_half_an_hour_is_signed_out(
    office: Office, moved: MovableClock, username: str
) -> None:
    browser = browser_of(username)
    moved.advance(29 * MINUTE)
    assert opens_my_tasks(browser)  # activity: the half hour starts again
    moved.advance(29 * MINUTE)
    assert opens_my_tasks(browser)

    moved.advance(30 * MINUTE)
    response = browser.get(reverse("tasks"), follow=True)

    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/"
    assert "Anda dikeluarkan setelah 30 menit tanpa aktivitas." in response.content.decode()
    assert not signed_in(browser)


def test_the_pages_own_polling_does_not_keep_a_session_alive(
    office: Office, moved: MovableClock
) -> None:
    browser = browser_of("kasi")
    for _poll in range(2):
        moved.advance(14 * MINUTE)
        assert poll_bell(browser).status_code == 200

    moved.advance(2 * MINUTE)
    ended = poll_bell(browser)

    assert ended.status_code == 204
    assert ended["HX-Redirect"] == reverse("login")  # the whole page goes to sign in
    assert not signed_in(browser)


def test_an_operator_keeps_a_session_over_a_long_pause_but_not_over_a_night(
    office: Office, moved: MovableClock
) -> None:
    browser = browser_of("operator1")
    moved.advance(3 * HOUR)
    assert opens_my_tasks(browser)
    moved.advance(7 * HOUR + 59 * MINUTE)
    assert opens_my_tasks(browser)

    moved.advance(8 * HOUR)

    assert not opens_my_tasks(browser)
    assert not signed_in(browser)


def test_a_head_signs_in_again_after_twelve_hours_however_busy(
    office: Office, moved: MovableClock
) -> None:
    browser = browser_of("kabid")
    for _quarter in range(47):
        moved.advance(15 * MINUTE)
        assert opens_my_tasks(browser)

    moved.advance(15 * MINUTE)  # 12 hours since signing in
    response = browser.get(reverse("tasks"), follow=True)

    assert "satu sesi berlaku paling lama 12 jam" in response.content.decode()
    assert not signed_in(browser)


def test_an_operators_session_lasts_at_most_a_week(office: Office, moved: MovableClock) -> None:
    browser = browser_of("operator2")
    for _shift in range(23):
        moved.advance(7 * HOUR)
        assert opens_my_tasks(browser)
    moved.advance(7 * HOUR)  # 7 days since signing in
    assert not opens_my_tasks(browser)


def test_the_limits_come_from_the_settings(
    office: Office, moved: MovableClock, settings: Any
) -> None:
    settings.HEADS_SESSION_IDLE_MINUTES = 5
    settings.SESSION_IDLE_MINUTES = 10
    kasi, operator = browser_of("kasi"), browser_of("operator1")
    moved.advance(6 * MINUTE)
    assert not opens_my_tasks(kasi)
    assert opens_my_tasks(operator)


def test_the_cookie_expires_with_the_idle_deadline(office: Office, moved: MovableClock) -> None:
    browser = browser_of("kabid")
    moved.advance(10 * MINUTE)
    browser.get(reverse("tasks"))
    assert browser.cookies["sessionid"]["max-age"] == 30 * MINUTE
    operator = browser_of("operator1")
    moved.advance(10 * MINUTE)
    operator.get(reverse("tasks"))
    assert operator.cookies["sessionid"]["max-age"] == 8 * HOUR


def test_a_session_from_before_these_limits_signs_in_again(office: Office) -> None:
    browser = Client()
    browser.force_login(office["operator1"])
    session = browser.session
    del session[sessions.SIGNED_IN_AT]
    session.save()

    response = browser.get(reverse("tasks"), follow=True)

    assert "Silakan masuk lagi." in response.content.decode()
    assert not signed_in(browser)


def test_the_public_portal_and_the_api_are_not_affected(
    office: Office, moved: MovableClock
) -> None:
    anonymous = Client()
    assert anonymous.get("/berita/").status_code == 200
    browser = browser_of("kabid")
    moved.advance(2 * HOUR)
    # A bearer-token call from a browser that still holds an old session cookie: the session
    # is not the API's business.
    assert browser.get("/api/v1/me").status_code == 401
    assert signed_in(browser)
