"""Finding 4 of issue 13: failed sign-ins slow the guesser down and lock nobody out.

Each test client stands at one address (REMOTE_ADDR): the attacker's, the owner's usual one, the
office NAT that colleagues share. Answers are read in Indonesian, as people see them.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.testing import PASSWORD, MovableClock, candidate_codes, issue_api_token, sign_in

Office = dict[str, User]

ATTACKER = "203.0.113.9"
OWNER_DESK = "198.51.100.7"
OFFICE_NAT = "192.0.2.44"
WAIT = "Terlalu banyak percobaan masuk yang gagal. Tunggu"


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def password_step(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"login": username, "password": password})


def token_call(client: Client, username: str, password: str, code: str = "") -> Any:
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "code": code},
        content_type="application/json",
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "warta.security"]


# --- one attacker, one owner ------------------------------------------------------------------


def test_the_attackers_address_waits_while_the_owner_signs_in_from_their_desk(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="warta.security")
    attacker = at(ATTACKER)
    for _guess in range(5):
        assert password_step(attacker, "kabid", "tebakan").status_code == 200

    refused = password_step(attacker, "kabid", PASSWORD)  # not even checked now

    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert f"{WAIT} 30 detik" in refused.content.decode()
    assert not signed_in(attacker)
    owner = at(OWNER_DESK)
    sign_in(owner, "kabid")  # password and code, from another address
    assert signed_in(owner)
    lines = security_lines(caplog)
    assert f"sign-in failed for 'kabid' from {ATTACKER} (5 from this address" in "\n".join(lines)
    assert f"sign-in refused for 'kabid' from {ATTACKER}: pair limit, retry after 30 s" in lines


def test_the_wait_doubles_with_each_failure_and_the_owner_is_never_locked_out(
    office: Office, moved: MovableClock
) -> None:
    typist = at(OWNER_DESK)
    for _guess in range(5):
        password_step(typist, "operator1", "salah")
    waits = []
    for _round in range(4):
        refused = password_step(typist, "operator1", "salah")
        waits.append(int(refused["Retry-After"]))
        moved.advance(waits[-1])
        assert password_step(typist, "operator1", "salah").status_code == 200  # checked again

    assert waits == [30, 60, 120, 240]
    moved.advance(480)
    response = password_step(typist, "operator1", PASSWORD)
    assert response.status_code == 302 and signed_in(typist)
    # A full sign-in forgives the failures of that name at that address.
    typist.post(reverse("logout"))
    assert password_step(typist, "operator1", "salah").status_code == 200


def test_the_wait_stops_growing_at_the_ceiling(
    office: Office, moved: MovableClock, settings: Any
) -> None:
    settings.LOGIN_DELAY_MAX = 100
    guesser = at(ATTACKER)
    for _guess in range(9):  # each guess once the wait is over: 30, 60, then at most 100 s
        moved.advance(100)
        assert password_step(guesser, "kasi", "salah").status_code == 200

    refused = password_step(guesser, "kasi", "salah")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "100"  # the ceiling, not 30 s doubled four times
    assert f"{WAIT} 2 menit" in refused.content.decode()  # 100 s, rounded up to minutes


def test_over_the_api_the_attacker_waits_and_the_owner_gets_a_token(office: Office) -> None:
    attacker = at(ATTACKER)
    for _guess in range(5):
        assert token_call(attacker, "kabid", "tebakan").status_code == 401

    refused = token_call(attacker, "kabid", PASSWORD, next(candidate_codes()))

    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert refused.json()["detail"].startswith(f"{WAIT} 30 detik")
    assert ApiToken.objects.count() == 0
    token = issue_api_token(at(OWNER_DESK), "kabid")
    assert ApiToken.objects.user_for(token) == office["kabid"]


def test_a_guesser_who_has_the_password_cannot_lock_the_owner_out_of_the_second_step(
    office: Office,
) -> None:
    thief = at(ATTACKER)
    password_step(thief, "kasi", PASSWORD)
    for _guess in range(5):
        thief.post(reverse("mfa_authenticate"), {"code": "000000"})
    blocked = thief.post(reverse("mfa_authenticate"), {"code": next(candidate_codes())})
    assert WAIT in blocked.content.decode()
    assert not signed_in(thief)

    owner = at(OWNER_DESK)
    sign_in(owner, "kasi")
    assert signed_in(owner)


# --- the office NAT ---------------------------------------------------------------------------


def test_one_persons_typos_behind_the_office_nat_leave_the_colleagues_alone(
    office: Office,
) -> None:
    typist = at(OFFICE_NAT)
    for _typo in range(10):
        password_step(typist, "operator2", "salah")
    assert password_step(typist, "operator2", PASSWORD).status_code == 429  # their own name

    for colleague in ("kabid", "kasi", "operator1"):
        desk = at(OFFICE_NAT)
        sign_in(desk, colleague)  # none of them ever signed in before
        assert signed_in(desk), colleague


def test_colleagues_behind_the_nat_sign_in_while_a_stranger_there_sprays_guesses(
    office: Office, moved: MovableClock, settings: Any
) -> None:
    for colleague in ("kasi", "operator1"):  # at work yesterday
        sign_in(at(OFFICE_NAT), colleague)
    moved.advance(timedelta(hours=20).total_seconds())
    stranger = at(OFFICE_NAT)

    answers = [password_step(stranger, f"pegawai{n}", "salah") for n in range(40)]

    assert [a.status_code for a in answers].count(200) == settings.LOGIN_ADDRESS_LIMIT
    assert answers[-1].status_code == 429 and int(answers[-1]["Retry-After"]) > 0
    assert WAIT in answers[-1].content.decode()
    for colleague in ("kasi", "operator1"):
        desk = at(OFFICE_NAT)
        sign_in(desk, colleague)
        assert signed_in(desk), colleague
    # Somebody who never signed in from the office waits, and is not locked out.
    newcomer = password_step(at(OFFICE_NAT), "operator2", PASSWORD)
    assert newcomer.status_code == 429
    moved.advance(int(newcomer["Retry-After"]))
    assert password_step(at(OFFICE_NAT), "operator2", PASSWORD).status_code == 302


# --- guessing from many addresses -------------------------------------------------------------


def test_guessing_one_name_from_many_addresses_is_slowed_but_not_at_the_owners_desk(
    office: Office, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="warta.security")
    sign_in(at(OWNER_DESK), "kabid")
    for n in range(settings.LOGIN_USERNAME_LIMIT):
        assert password_step(at(f"198.18.0.{n}"), "kabid", "salah").status_code == 200

    next_bot = password_step(at("198.18.1.1"), "kabid", PASSWORD)

    assert next_bot.status_code == 429
    assert next_bot["Retry-After"] == "30"
    assert "sign-in refused for 'kabid' from 198.18.1.1: username limit" in "\n".join(
        security_lines(caplog)
    )
    desk = at(OWNER_DESK)
    sign_in(desk, "kabid")
    assert signed_in(desk)
    assert ApiToken.objects.user_for(issue_api_token(at(OWNER_DESK), "kabid")) == office["kabid"]


def test_the_password_asked_again_goes_through_the_same_throttle(office: Office) -> None:
    desk = at(OWNER_DESK)
    sign_in(desk, "kasi")
    for _guess in range(5):
        desk.post(reverse("account_reauthenticate"), {"password": "salah"})

    refused = desk.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    assert WAIT in refused.content.decode()
