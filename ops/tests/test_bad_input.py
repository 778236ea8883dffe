"""Input no view can use is a 400 with a sentence, never a 500, on SQLite and on PostgreSQL.

PostgreSQL refuses a NUL character in any text it is given (psycopg raises before the query is
sent), and both databases overflow on a 64-bit integer out of range. Each case here was a 500
(the issue's list) or is a neighbour of one; the middleware (ops/badinput.py) refuses NUL and
unpaired surrogates in the path, the query, form fields, headers and JSON bodies, and JSON
nested deeper than any Warta document, before any view or query runs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from api.tests.conftest import ApiClient
from newsroom.models import Item
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

NUL_SENTENCE_ID = "Permintaan ini memuat karakter yang tidak dapat diproses"
HUGE = "9223372036854775808"  # 2**63: one more than the largest 64-bit integer


@pytest.fixture
def api(client: Client, office: dict[str, User]) -> ApiClient:
    return ApiClient(client, {name: ApiToken.objects.issue(u) for name, u in office.items()})


def assert_html_refusal(response: Any) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert NUL_SENTENCE_ID in response.content.decode()


def assert_json_refusal(response: Any) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


# --- integers beyond 64 bits ------------------------------------------------------------------


def test_a_page_number_beyond_64_bits_is_a_400(api: ApiClient) -> None:
    response = api.get("/items", as_user="kasi", page=HUGE)

    assert_json_refusal(response)
    assert set(response.json()["errors"]) == {"page"}


@pytest.mark.parametrize("field", ["page", "step", "page_size"])
def test_every_number_of_the_item_list_is_bounded(api: ApiClient, field: str) -> None:
    assert api.get("/items", as_user="kasi", **{field: HUGE}).status_code == 400
    assert api.get("/items", as_user="kasi", **{field: "1e9999"}).status_code == 400


def test_an_id_beyond_64_bits_in_an_address_is_not_found(
    client: Client, office: dict[str, User], api: ApiClient, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "direct")
    client.force_login(office["operator1"])
    for url in (
        f"/item/{item.code}/kanal/{HUGE}/coba-lagi/",
        f"/item/{item.code}/kanal/{HUGE}/tautan/",
        f"/berita/arsip/{HUGE}/1/",
        f"/berita/arsip/2026/{HUGE}/",
    ):
        assert client.post(url).status_code in (404, 405), url
        assert client.get(url).status_code in (404, 405), url
    assert api.get(f"/channels/{HUGE}", as_user="admin").status_code in (400, 404, 405)
    assert api.post(f"/channels/{HUGE}/test", {}, as_user="admin").status_code in (400, 404)


def test_marking_a_notification_read_takes_only_a_plain_number(
    client: Client, office: dict[str, User]
) -> None:
    client.force_login(office["kasi"])
    for chosen in (HUGE, "²", "٣"):
        response = client.post(reverse("notifications_read"), {"id": chosen})
        assert response.status_code == 302, chosen


# --- NUL characters ---------------------------------------------------------------------------


def test_a_nul_in_the_sign_in_form_is_a_400_in_indonesian(client: Client, office: Any) -> None:
    for data in ({"login": "kabid\x00", "password": "x"}, {"login": "kabid", "password": "\x00"}):
        assert_html_refusal(client.post(reverse("login"), data))
    assert "_auth_user_id" not in client.session


def test_a_nul_in_the_token_request_is_a_json_400(client: Client, office: Any) -> None:
    for body in (
        {"username": "kabid\x00", "password": "x"},
        {"username": "kabid", "password": "x\x00"},
        {"username": "kabid", "password": "x", "code": "\x00"},
        {"username\x00": "kabid", "password": "x"},
    ):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert_json_refusal(response)


def test_an_unpaired_surrogate_in_json_is_a_400(client: Client, office: Any) -> None:
    body = '{"username": "kabid\\ud800", "password": "x"}'
    response = client.post("/api/v1/auth/token", body, content_type="application/json")

    assert_json_refusal(response)


def test_a_nul_in_an_item_code_is_a_400_on_pages_and_on_the_api(
    client: Client, office: dict[str, User], api: ApiClient
) -> None:
    client.force_login(office["kasi"])
    assert_html_refusal(client.get("/item/AB%00CD/"))
    assert_html_refusal(client.post("/item/AB%00CD/komentar/", {"text": "Halo"}))
    assert_json_refusal(api.get("/items/AB%00CD", as_user="kasi"))
    assert_json_refusal(api.post("/items/AB%00CD/actions/forward", {}, as_user="kasi"))


def test_a_nul_in_a_list_filter_is_a_400(
    client: Client, office: dict[str, User], api: ApiClient
) -> None:
    client.force_login(office["kasi"])
    for query in ({"person": "kasi\x00"}, {"region": "18.71\x00"}, {"q\x00": "1"}):
        assert_html_refusal(client.get(reverse("items"), query))
        assert_json_refusal(api.get("/items", as_user="kasi", **query))
    assert_html_refusal(client.get("/cari/", {"q": "banjir\x00"}))
    assert_html_refusal(client.get("/laporan/", {"person": "kasi\x00"}))


def test_a_nul_in_a_form_field_changes_nothing(
    client: Client, office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "direct")
    client.force_login(office["kasi"])
    response = client.post(
        reverse("item_action", args=[item.code, "direct"]),
        {"operator": "operator1\x00", "direction": "Sudut."},
    )

    assert_html_refusal(response)
    assert Item.objects.get(pk=item.pk).operator is None


def test_a_nul_in_a_header_is_a_400(api: ApiClient) -> None:
    response = api.client.get(
        "/api/v1/items", headers={"Authorization": "Bearer abc\x00", "Accept-Language": "en"}
    )

    assert_json_refusal(response)


def test_a_session_cookie_with_a_nul_is_ignored_not_a_500(client: Client, office: Any) -> None:
    client.cookies["sessionid"] = "\x00" * 32
    response = client.get(reverse("login"))

    assert response.status_code == 200


def test_the_refusal_speaks_english_to_an_english_browser(client: Client, office: Any) -> None:
    response = client.get(reverse("items"), {"person": "\x00"}, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert "cannot be processed" in response.content.decode()


def test_nothing_runs_behind_a_refusal(client: Client, office: dict[str, User]) -> None:
    before = Item.objects.count()
    client.force_login(office["kabid"])
    response = client.post(reverse("assign"), {"title": "Judul\x00", "kasi": "kasi"})

    assert response.status_code == 400
    assert Item.objects.count() == before


def test_json_nested_deeper_than_any_document_is_a_400(client: Client, office: Any) -> None:
    deep = '{"username": ' + "[" * 100_000 + "]" * 100_000 + ', "password": "x"}'
    response = client.post("/api/v1/auth/token", deep, content_type="application/json")

    assert_json_refusal(response)
    # Nesting a document could have passes the guard and meets the schema's own check.
    nested = json.dumps({"username": "kabid", "password": "x", "code": [[[[[[[[]]]]]]]]})
    response = client.post("/api/v1/auth/token", nested, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"code"}
