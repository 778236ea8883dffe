"""The OpenAPI document says what the API answers: real answers validate against it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import jsonschema
import pytest
from django.test import Client
from ninja import Schema

from api.tests.conftest import ApiClient
from api.urls import api as warta_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def assert_documented(doc: dict[str, Any], path: str, answer: Any, method: str = "get") -> None:
    """The answer's body validates against the schema the document gives for its status."""
    responses = doc["paths"][f"/api/v1{path}"][method]["responses"]
    schema = responses[str(answer.status_code)]["content"]["application/json"]["schema"]
    # "#/components/schemas/..." references resolve against the document's components.
    jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(
        answer.json()
    )


def test_it_documents_the_sop_as_it_answers_it(api: ApiClient, document: dict[str, Any]) -> None:
    answer = api.get("/sop", as_user="operator1")

    assert answer.status_code == 200
    assert answer.json()["steps"][0]["activity"]
    assert_documented(document, "/sop", answer)


def test_every_read_answers_what_the_document_says(
    api: ApiClient, walk: Any, document: dict[str, Any]
) -> None:
    code = walk("verify")
    reads = [
        ("/items", "kasi"),
        (f"/items/{code}", "kasi"),
        ("/me", "kabid"),
        ("/me/tasks", "kabid"),
        ("/reports/sop", "kasi"),
        ("/channels", "admin"),
    ]
    for path, who in reads:
        answer = api.get(path, as_user=who)
        assert answer.status_code == 200, (path, answer.content)
        template = "/items/{code}" if path == f"/items/{code}" else path
        assert_documented(document, template, answer)


def test_a_refusal_answers_what_the_document_says(
    api: ApiClient, office: Any, document: dict[str, Any]
) -> None:
    answer = api.get("/items", as_user="kasi", to="0")

    assert answer.status_code == 400
    assert_documented(document, "/items", answer)


PROJECT_APPS = {"accounts", "api", "channels", "images", "newsroom", "notify", "reports", "sop"}


def _schemas(cls: type[Schema]) -> list[type[Schema]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_schemas(sub)]
    return found


def test_no_two_schemas_of_the_api_share_a_name(document: dict[str, Any]) -> None:
    # The document keys components by class name: a second class of the same name silently
    # replaced the first (the SOP's steps were documented as the report's steps).
    assert warta_api is not None  # every router, hence every schema, is imported
    ours = [s for s in _schemas(Schema) if s.__module__.split(".")[0] in PROJECT_APPS]
    repeated = {name: n for name, n in Counter(s.__name__ for s in ours).items() if n > 1}

    assert repeated == {}
    assert set(document["components"]["schemas"]) <= {s.__name__ for s in ours}
