"""Every parameter of every API operation, given hostile values, answers below 500 with JSON.

A small sweep in the spirit of the outside review's schemathesis run: the operations and their
parameters are read from the OpenAPI document, so an operation added later is swept too.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from api.tests.conftest import ApiClient
from newsroom.models import Item

pytestmark = pytest.mark.django_db

HOSTILE = [
    "9223372036854775808",  # 2**63
    "-9223372036854775809",
    "1e9999",
    "NaN",
    "-1",
    "0",
    "x" * 3000,
    "a\x00b",
    "%00",
    "../../etc/passwd",
    "Ω≈ç√",
]
# Roles that reach most operations: the Kabid (items) and the administrator (channels).
ROLES = ["kabid", "admin"]


def operations(document: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            found.append((path, method, operation.get("parameters", [])))
    return found


def call(api: ApiClient, method: str, path: str, who: str, query: dict[str, str]) -> Any:
    headers = {"Authorization": f"Bearer {api.tokens[who]}", "Accept-Language": "en"}
    if method == "get":
        return api.client.get(path, query, headers=headers)
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return api.client.generic(
        method.upper(), url, "{}", content_type="application/json", headers=headers
    )


def test_no_parameter_of_any_operation_makes_a_500(api: ApiClient, walk: Any) -> None:
    code = walk("verify")
    document = api.client.get("/api/v1/openapi.json").json()
    answered = 0
    for template, method, parameters in operations(document):
        for parameter in parameters:
            for value in HOSTILE:
                # The other path parameters get a real value, the parameter under test the bad one.
                path = re.sub(r"\{code\}", code, template)
                query: dict[str, str] = {}
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", value.replace("/", "%2F"))
                else:
                    query[parameter["name"]] = value
                path = re.sub(r"\{account_id\}", "1", path)
                for who in ROLES:
                    response = call(api, method, path, who, query)
                    answered += 1
                    assert response.status_code < 500, (method, path, query, who)
                    assert response["Content-Type"].startswith("application/json"), (path, query)
    assert answered > 300  # the sweep did reach the operations


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "1" * 400])
def test_a_coordinate_that_is_no_finite_number_is_a_400(
    api: ApiClient, assign_body: dict[str, Any], number: str
) -> None:
    body = json.dumps(assign_body).replace('"region_code"', f'"lat": {number}, "region_code"')

    response = api.client.post(
        "/api/v1/items",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.tokens['kabid']}", "Accept-Language": "en"},
    )

    assert response.status_code == 400, response.content
    assert "location.lat" in response.json()["errors"]
    assert Item.objects.count() == 0
