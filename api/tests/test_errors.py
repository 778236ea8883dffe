"""Refusals: 403 for the wrong person, 404, 409 for the wrong step, 400 for bad input, and
nothing written whenever a request is refused."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from api.tests.conftest import ApiClient
from newsroom.models import AuditEntry, Item, StepRun, Version


def _counts() -> tuple[int, int, int, int]:
    return (
        Item.objects.count(),
        Version.objects.count(),
        StepRun.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def nothing_written() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


def test_it_forbids_a_kasi_to_verify(api: ApiClient, walk: Any) -> None:
    code = walk("verify")
    before = _counts()

    response = api.act(code, "verify", "kasi", decision="approve")

    assert response.status_code == 403
    assert "Rina Kabid" in response.json()["detail"]
    assert _counts() == before


def test_it_forbids_an_operator_who_was_not_directed_to_submit(api: ApiClient, walk: Any) -> None:
    code = walk("submit")
    before = _counts()

    response = api.act(code, "submit", "operator2", title="Judul", body="Isi berita.")

    assert response.status_code == 403
    assert "Sari Operator" in response.json()["detail"]
    assert _counts() == before


def test_it_forbids_a_kasi_to_assign(api: ApiClient, assign_body: dict[str, Any]) -> None:
    response = api.post("/items", assign_body, as_user="kasi")

    assert response.status_code == 403
    assert Item.objects.count() == 0


def test_it_answers_404_for_an_unknown_item(api: ApiClient, office: Any) -> None:
    assert api.get("/items/000000000000", as_user="kabid").status_code == 404
    response = api.act("000000000000", "forward", "kasi")
    assert response.status_code == 404
    assert "000000000000" in response.json()["detail"]


def test_it_answers_404_for_an_unknown_action(api: ApiClient, walk: Any) -> None:
    code = walk("direct")

    response = api.act(code, "publish", "kasi")

    assert response.status_code == 404
    assert "publish" in response.json()["detail"]


def test_it_answers_404_json_for_an_unknown_path(api: ApiClient, office: Any) -> None:
    response = api.post("/nothing-here", {}, as_user="kasi")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_it_answers_409_for_an_action_at_the_wrong_step(api: ApiClient, walk: Any) -> None:
    code = walk("direct")
    before = _counts()

    response = api.act(code, "handover", "kasi")

    assert response.status_code == 409
    assert "2" in response.json()["detail"]
    assert _counts() == before


def test_it_answers_409_for_an_action_on_a_posted_item(api: ApiClient, walk: Any) -> None:
    code = walk("done")

    response = api.act(code, "post", "operator1")

    assert response.status_code == 409


# --- bad input: a clear message per field, and nothing written ------------------------------


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


def _with(body: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda b: _without(b, "title"), "title", "required"),
        (lambda b: _without(b, "activity", "starts_at"), "activity.starts_at", "required"),
        (lambda b: _without(b, "location"), "location", "required"),
        (lambda b: _with(b, "x" * 201, "title"), "title", "200"),
        (lambda b: _with(b, "   ", "title"), "title", "required"),
        (lambda b: _with(b, "18.99", "location", "region_code"), "location.region_code", "18.99"),
        (lambda b: _with(b, "nobody", "kasi"), "kasi", "nobody"),
        (lambda b: _with(b, "operator1", "kasi"), "kasi", "operator1"),
        (lambda b: _with(b, ["fax"], "channels"), "channels", "fax"),
        (lambda b: _with(b, 95, "location", "lat"), "location.lat", "90"),
        (lambda b: _with(b, "kemarin", "activity", "starts_at"), "activity.starts_at", "date"),
        (lambda b: _with(b, 12, "title"), "title", "text"),
        (lambda b: _with(b, "x", "surprise"), "surprise", "Unknown"),
    ],
)
def test_it_refuses_a_bad_assignment_and_writes_nothing(
    api: ApiClient,
    assign_body: dict[str, Any],
    nothing_written: None,
    change: Any,
    field: str,
    words: str,
) -> None:
    response = api.post("/items", change(assign_body), as_user="kabid")

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"]
    assert words in answer["errors"][field]


def test_it_refuses_a_body_that_is_not_json(api: ApiClient, office: Any) -> None:
    response = api.client.post(
        "/api/v1/items",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.tokens['kabid']}"},
    )

    assert response.status_code == 400
    assert response.json()["errors"]["__all__"]
    assert Item.objects.count() == 0


def test_it_refuses_an_unknown_operator(api: ApiClient, walk: Any) -> None:
    code = walk("direct")
    before = _counts()

    response = api.act(code, "direct", "kasi", operator="hantu", direction="Sudut.")

    assert response.status_code == 400
    assert "hantu" in response.json()["errors"]["operator"]
    assert _counts() == before
    assert Item.objects.get(code=code).operator is None


def test_it_refuses_a_script_in_the_body(api: ApiClient, walk: Any) -> None:
    code = walk("submit")
    before = _counts()

    response = api.act(
        code, "submit", "operator1", title="Judul", body="<p>Halo</p><script>alert(1)</script>"
    )

    assert response.status_code == 400
    assert "<script>" in response.json()["errors"]["body"]
    assert _counts() == before


@pytest.mark.parametrize(("action", "who"), [("review", "kasi"), ("verify", "kabid")])
def test_it_refuses_a_return_without_a_note(
    api: ApiClient, walk: Any, action: str, who: str
) -> None:
    code = walk(action)
    before = _counts()

    response = api.act(code, action, who, decision="return", note="  ")

    assert response.status_code == 400
    assert response.json()["errors"]["note"]
    assert _counts() == before


def test_it_refuses_an_unknown_decision(api: ApiClient, walk: Any) -> None:
    code = walk("review")
    before = _counts()

    response = api.act(code, "review", "kasi", decision="maybe")

    assert response.status_code == 400
    assert "approve" in response.json()["errors"]["decision"]
    assert _counts() == before


def test_it_refuses_a_missing_body_for_submit(api: ApiClient, walk: Any) -> None:
    code = walk("submit")
    before = _counts()

    response = api.act(code, "submit", "operator1", title="Judul")

    assert response.status_code == 400
    assert response.json()["errors"] == {"body": "This field is required."}
    assert _counts() == before


def test_it_speaks_the_language_of_the_request(api: ApiClient, walk: Any) -> None:
    code = walk("submit")

    english = api.post(f"/items/{code}/actions/submit", {"title": "J"}, as_user="operator1")
    indonesian = api.post(
        f"/items/{code}/actions/submit",
        {"title": "J"},
        as_user="operator1",
        headers={"Accept-Language": "id"},
    )
    default = api.client.post(
        f"/api/v1/items/{code}/actions/submit",
        {"title": "J"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.tokens['operator1']}"},
    )

    with translation.override("id"):
        required_id = translation.gettext("This field is required.")
    assert required_id != "This field is required."
    assert english.json()["errors"]["body"] == "This field is required."
    assert indonesian.json()["errors"]["body"] == required_id
    assert default.json()["errors"]["body"] == required_id


def test_it_refuses_a_request_too_large_to_read(api: ApiClient, walk: Any, settings: Any) -> None:
    code = walk("submit")
    before = _counts()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api.act(code, "submit", "operator1", title="Judul", body="x" * 2000)

    assert response.status_code == 413
    assert response.json()["detail"]
    assert _counts() == before
