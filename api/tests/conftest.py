"""Personas with tokens, a JSON client for /api/v1, and a walker that moves an item by API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from lib import clock

API = "/api/v1"


class ApiClient:
    """Django's test client speaking JSON (in English) with an optional bearer token."""

    def __init__(self, client: Client, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def _headers(self, as_user: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        # English by default, so assertions on words hold once Warta's catalogue is translated.
        headers = {"Accept-Language": "en", **(extra or {})}
        if as_user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[as_user]}"
        return headers

    def get(
        self,
        path: str,
        as_user: str | None = None,
        headers: dict[str, str] | None = None,
        **query: Any,
    ) -> Any:
        return self.client.get(f"{API}{path}", query, headers=self._headers(as_user, headers))

    def post(
        self,
        path: str,
        data: Any = None,
        as_user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self.client.post(
            f"{API}{path}",
            data if data is not None else {},
            content_type="application/json",
            headers=self._headers(as_user, headers),
        )

    def act(self, code: str, action: str, as_user: str, **data: Any) -> Any:
        return self.post(f"/items/{code}/actions/{action}", data, as_user=as_user)


@pytest.fixture(autouse=True)
def static_without_manifest(settings: Any) -> None:
    """Pages fetched here (the article, the docs) need no collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tokens(office: dict[str, User]) -> dict[str, str]:
    return {name: ApiToken.objects.issue(user) for name, user in office.items()}


@pytest.fixture
def api(client: Client, tokens: dict[str, str]) -> ApiClient:
    return ApiClient(client, tokens)


@pytest.fixture
def assign_body() -> dict[str, Any]:
    return {
        "title": "Gubernur Resmikan Jembatan Way Sekampung",
        "kasi": "kasi",
        "activity": {
            "name": "Peresmian Jembatan",
            "starts_at": (clock.now() + timedelta(hours=2)).isoformat(),
            "organizer": "Dinas PUPR",
        },
        "location": {"name": "Desa Way Sekampung", "region_code": "18.03"},
        "channels": ["website"],
    }


STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("direct", "kasi", {"operator": "operator1", "direction": "Sudut: manfaat bagi warga."}),
    ("submit", "operator1", {"title": "Jembatan Baru", "body": "Jembatan diresmikan hari ini."}),
    ("review", "kasi", {"decision": "approve"}),
    ("forward", "kasi", {}),
    ("verify", "kabid", {"decision": "approve"}),
    ("handover", "kasi", {}),
    ("post", "operator1", {}),
]


@pytest.fixture
def walk(api: ApiClient, assign_body: dict[str, Any]) -> Any:
    """``walk(until)``: assign an item over the API and do every act before ``until``."""

    def walk_to(until: str) -> str:
        response = api.post("/items", assign_body, as_user="kabid")
        assert response.status_code == 201, response.json()
        code: str = response.json()["code"]
        for action, who, data in STEPS:
            if action == until:
                break
            answer = api.act(code, action, who, **data)
            assert answer.status_code == 200, answer.json()
        return code

    return walk_to
