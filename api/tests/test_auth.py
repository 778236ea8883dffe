"""Tokens: issued for a right password, refused without one, throttled after failures."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings

from accounts.models import ApiToken, User
from accounts.testing import candidate_codes
from api.tests.conftest import ApiClient


def _login(client: Client, username: str, password: str, code: str = "") -> Any:
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "code": code},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )


def test_an_operator_needs_only_the_password(client: Client, office: dict[str, User]) -> None:
    response = _login(client, "operator1", "rahasia-123")

    assert response.status_code == 200
    assert ApiToken.objects.user_for(response.json()["token"]) == office["operator1"]


def test_a_kabid_needs_the_authenticator_code_too(client: Client, office: dict[str, User]) -> None:
    missing = _login(client, "kabid", "rahasia-123")
    wrong = _login(client, "kabid", "rahasia-123", code="000000")

    assert missing.status_code == 401 and "code" in missing.json()["detail"]
    assert wrong.status_code == 401 and "wrong" in wrong.json()["detail"]
    assert ApiToken.objects.count() == 0
    right = _login(client, "kabid", "rahasia-123", code=next(candidate_codes()))
    assert right.status_code == 200


def test_a_kasi_without_an_authenticator_is_sent_to_the_web_first(
    client: Client, office: dict[str, User]
) -> None:
    Authenticator.objects.filter(user=office["kasi"]).delete()

    response = _login(client, "kasi", "rahasia-123", code="123456")

    assert response.status_code == 403
    assert "authenticator" in response.json()["detail"]
    assert ApiToken.objects.count() == 0


def test_it_issues_a_token_that_identifies_the_user(
    client: Client, office: dict[str, User]
) -> None:
    response = _login(client, "kasi", "rahasia-123", code=next(candidate_codes()))

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.user_for(token) == office["kasi"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"username": "kasi", "name": "Budi Kasi", "role": "kasi"}


def test_it_refuses_a_wrong_password_with_401(client: Client, office: dict[str, User]) -> None:
    response = _login(client, "kasi", "salah")

    assert response.status_code == 401
    assert response.json()["detail"]
    assert ApiToken.objects.count() == 0


def test_it_refuses_an_inactive_user(client: Client, office: dict[str, User]) -> None:
    User.objects.filter(username="kasi").update(is_active=False)

    assert _login(client, "kasi", "rahasia-123").status_code == 401


@override_settings(LOGIN_ATTEMPTS_LIMIT=3)
def test_an_address_waits_after_repeated_failures_even_with_the_right_password(
    client: Client, office: dict[str, User]
) -> None:
    for _attempt in range(3):
        assert _login(client, "kabid", "tebakan").status_code == 401

    locked = _login(client, "kabid", "rahasia-123")

    assert locked.status_code == 429
    assert "30 seconds" in locked.json()["detail"]  # how long to wait
    assert locked["Retry-After"] == "30"
    assert ApiToken.objects.count() == 0


@override_settings(LOGIN_ADDRESS_LIMIT=3)
def test_an_address_that_guesses_across_usernames_waits(
    client: Client, office: dict[str, User]
) -> None:
    for username in ("kasi", "operator1", "operator2"):
        assert _login(client, username, "tebakan").status_code == 401

    assert _login(client, "kabid", "rahasia-123").status_code == 429


def test_it_answers_bad_token_input_with_400(client: Client, office: dict[str, User]) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "kasi"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"password": "This field is required."}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic a2FzaTpyYWhhc2lh"}],
)
@pytest.mark.parametrize("path", ["/me", "/me/tasks", "/items", "/sop"])
def test_it_requires_a_valid_token(
    client: Client, office: dict[str, User], headers: dict[str, str], path: str
) -> None:
    response = client.get(f"/api/v1{path}", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


def test_it_refuses_an_expired_token(api: ApiClient) -> None:
    ApiToken.objects.update(expires_at="2000-01-01T00:00:00Z")

    assert api.get("/me", as_user="kasi").status_code == 401


def test_it_refuses_to_assign_without_a_token(
    client: Client, assign_body: dict[str, object]
) -> None:
    response = client.post("/api/v1/items", assign_body, content_type="application/json")

    assert response.status_code == 401


def test_it_limits_how_often_one_address_may_ask_for_tokens(
    client: Client, office: dict[str, User]
) -> None:
    answers = [_login(client, "operator1", "rahasia-123").status_code for _n in range(31)]

    assert answers[:30] == [200] * 30
    assert answers[30] == 429
