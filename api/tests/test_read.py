"""Reading: the SOP, my tasks, item listings with filters, item detail, the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api import render
from api.tests.conftest import ApiClient
from lib import clock
from newsroom.models import Item


def test_it_describes_the_sop_in_force(api: ApiClient, settings: Any) -> None:
    response = api.get("/sop", as_user="operator1")

    assert response.status_code == 200
    sop = response.json()
    assert sop["slug"] == "diseminasi-website-sosmed"
    assert len(sop["sha256"]) == 64
    assert sop["identity"]["unit"].startswith("Dinas Komunikasi")
    assert sop["identity"]["approved_by"]["name"].startswith("GANJAR")
    assert [r["key"] for r in sop["roles"]] == ["kabid", "kasi", "operator"]
    assert [s["standard_minutes"] for s in sop["steps"]] == [2, 5, 7, 2, 2, 1, 2]
    assert sop["total_standard_minutes"] == 21
    review = sop["steps"][2]["tasks"][1]
    assert (review["action"], review["actor"]) == ("review", "kasi")
    assert {o["key"]: o["goto"] for o in review["outcomes"]} == {"approve": 4, "return": 3}
    assert sop["document_url"] == f"{settings.SITE_URL}/sop/"
    assert sop["document_pdf_url"] == f"{settings.SITE_URL}/sop/dokumen.pdf"


def test_it_lists_what_waits_for_me(api: ApiClient, walk: Any) -> None:
    code = walk("submit")

    mine = api.get("/me/tasks", as_user="operator1").json()
    others = api.get("/me/tasks", as_user="operator2").json()

    assert others == []
    [task] = mine
    assert (task["code"], task["step"], task["action"]) == (code, 3, "submit")
    assert task["standard_seconds"] == 7 * 60
    assert 0 <= task["elapsed_seconds"] < 60
    assert task["overdue"] is False


def test_it_marks_a_task_past_its_standard_time(
    api: ApiClient, walk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk("direct")
    later = clock.now() + timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)

    [task] = api.get("/me/tasks", as_user="kasi").json()

    assert task["elapsed_seconds"] >= 6 * 60
    assert task["overdue"] is True


def test_it_lists_items_with_filters(api: ApiClient, walk: Any, assign_body: Any) -> None:
    at_direct = walk("direct")
    at_submit = walk("submit")
    assign_body["location"]["region_code"] = "18.71"
    in_bandar_lampung = api.post("/items", assign_body, as_user="kabid").json()["code"]

    def codes(**query: Any) -> list[str]:
        response = api.get("/items", as_user="operator2", **query)
        assert response.status_code == 200, response.json()
        return [i["code"] for i in response.json()["items"]]

    assert codes() == [in_bandar_lampung, at_submit, at_direct]
    assert codes(step=3) == [at_submit]
    assert codes(region="18.71") == [in_bandar_lampung]
    assert codes(person="operator1") == [at_submit]
    today = clock.today()
    assert len(codes(**{"from": today.isoformat(), "to": today.isoformat()})) == 3
    assert codes(**{"from": (today + timedelta(days=1)).isoformat()}) == []
    row = api.get("/items", as_user="kasi", step=3).json()["items"][0]
    assert (row["state"], row["action"], row["assignee"]) == ("active", "submit", "operator1")
    assert row["region_name"] == "Kabupaten Lampung Selatan"


def test_it_pages_the_listing(api: ApiClient, walk: Any) -> None:
    for _n in range(3):
        walk("direct")

    first = api.get("/items", as_user="kasi", page_size=2).json()
    second = api.get("/items", as_user="kasi", page_size=2, page=2).json()

    assert first["count"] == 3
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert {i["code"] for i in first["items"] + second["items"]} == set(
        Item.objects.values_list("code", flat=True)
    )


def test_it_refuses_a_bad_filter(api: ApiClient, office: Any) -> None:
    response = api.get("/items", as_user="kasi", step="three", **{"from": "kemarin"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"step", "from"}


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("0", "“to” must be a date as YYYY-MM-DD."),  # pydantic alone read 1970-01-01
        ("20260301", "“to” must be a date as YYYY-MM-DD."),
        ("2026-W09-7", "“to” must be a date as YYYY-MM-DD."),
        ("01/03/2026", "“to” must be a date as YYYY-MM-DD."),
        ("2026-02-30", "“to” must be a date as YYYY-MM-DD."),
        ("9999-12-31", "“to” must be a date between 1900-01-01 and 2999-12-31."),
    ],
)
def test_it_refuses_a_date_that_is_not_written_yyyy_mm_dd(
    api: ApiClient, office: Any, value: str, sentence: str
) -> None:
    response = api.get("/items", as_user="kasi", to=value)

    assert response.status_code == 400
    assert response.json()["errors"] == {"to": sentence}


def test_it_says_in_indonesian_what_is_wrong_with_a_date(api: ApiClient, office: Any) -> None:
    response = api.get("/items", as_user="kasi", headers={"Accept-Language": "id"}, to="0")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "to": "“to” harus berupa tanggal dengan format TTTT-BB-HH."
    }


def test_it_reads_an_item_in_a_fixed_number_of_queries(api: ApiClient, walk: Any) -> None:
    short = walk("handover")
    code = walk("done")
    assert api.act(code, "post", "operator1").status_code == 409

    def queries_for(item_code: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/items/{item_code}", as_user="kasi").status_code == 200
        return len(captured)

    assert queries_for(code) == queries_for(short)
    assert queries_for(code) <= 10


def test_it_never_shows_a_stack_trace(
    api: ApiClient, walk: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    code = walk("direct")
    settings.DEBUG = True

    def broken(item: Item) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(render, "item_detail", broken)
    response = api.get(f"/items/{code}", as_user="kasi")

    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert response.json()["detail"]


def test_it_serves_the_openapi_document(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/items" in paths
    assert "/api/v1/items/{code}" in paths
    for action in ("direct", "submit", "review", "forward", "verify", "handover", "post"):
        assert f"/api/v1/items/{{code}}/actions/{action}" in paths
    assert "bearer" in str(response.json()["components"]["securitySchemes"]).lower()


def test_it_loads_nothing_from_a_cdn_for_the_docs_page(client: Client) -> None:
    response = client.get("/api/v1/docs")

    # Served only when ninja's static files are installed; then every asset is local.
    if response.status_code == 404:
        assert response.json()["detail"]
    else:
        html = response.content.decode()
        assert response.status_code == 200
        assert "cdn" not in html.lower()
        assert "https://" not in html
        assert "/static/ninja/swagger-ui-bundle" in html
