"""The SOP walked over the API: the happy path, both return loops, approve-and-forward."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.testing import issue_api_token
from api.tests.conftest import ApiClient
from channels.models import Publication
from newsroom.models import Item, StepRun


def _token(client: Client, username: str) -> str:
    return issue_api_token(client, username)


def test_it_walks_the_whole_sop_and_posts_the_verified_version(
    client: Client, office: dict[str, User], assign_body: dict[str, Any]
) -> None:
    api = ApiClient(client, {u: _token(client, u) for u in ("kabid", "kasi", "operator1")})

    created = api.post("/items", assign_body, as_user="kabid")
    assert created.status_code == 201
    item = created.json()
    code = item["code"]
    assert (item["state"], item["step"], item["action"]) == ("active", 2, "direct")
    assert item["assignee"]["username"] == "kasi"
    assert item["location"]["region_name"] == "Kabupaten Lampung Selatan"

    body = "<p>Gubernur meresmikan jembatan.</p><p>Warga menyambut gembira.</p>"
    walk = [
        ("direct", "kasi", {"operator": "operator1", "direction": "Sudut: manfaat bagi warga."}),
        ("submit", "operator1", {"title": "Jembatan Baru Diresmikan", "body": body}),
        ("review", "kasi", {"decision": "approve", "note": "Bagus."}),
        ("forward", "kasi", {"note": "Mohon verifikasi."}),
        ("verify", "kabid", {"decision": "approve"}),
        ("handover", "kasi", {}),
    ]
    for action, who, data in walk:
        answer = api.act(code, action, who, **data)
        assert answer.status_code == 200, (action, answer.json())

    posted = api.act(code, "post", "operator1")
    assert posted.status_code == 200
    detail = posted.json()
    assert detail["state"] == "posted"
    assert detail["step"] is None
    [link] = detail["links"]
    slug = Item.objects.get(code=code).slug
    assert link == f"{settings.SITE_URL}/berita/{slug}/"
    assert detail["publications"][0]["state"] == Publication.State.POSTED

    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jembatan Baru Diresmikan" in html
    assert "<p>Gubernur meresmikan jembatan.</p><p>Warga menyambut gembira.</p>" in html

    history = api.get(f"/items/{code}", as_user="kabid").json()
    runs = [(r["step"], r["action"], r["outcome"]) for r in history["step_runs"]]
    assert runs == [
        (1, "assign", "done"),
        (2, "direct", "done"),
        (3, "submit", "done"),
        (3, "review", "approve"),
        (4, "forward", "done"),
        (5, "verify", "approve"),
        (6, "handover", "done"),
        (7, "post", "posted"),
    ]
    assert [r["standard_seconds"] for r in history["step_runs"]] == [
        m * 60 for m in (2, 5, 7, 7, 2, 2, 1, 2)
    ]
    for run in history["step_runs"]:
        assert isinstance(run["duration_seconds"], int)
        assert run["duration_seconds"] >= 0
        assert run["within_standard"] is True
    assert history["step_runs"][1]["actor"]["username"] == "kasi"
    assert history["step_runs"][2]["version"] == 1
    assert [v["number"] for v in history["versions"]] == [1]
    assert history["versions"][0]["author"]["username"] == "operator1"
    assert history["direction"] == "Sudut: manfaat bagi warga."


def test_it_returns_a_version_from_review_and_from_verification(api: ApiClient, walk: Any) -> None:
    code = walk("review")

    returned = api.act(code, "review", "kasi", decision="return", note="Perbaiki judul.")
    assert returned.status_code == 200
    assert (returned.json()["step"], returned.json()["action"]) == (3, "submit")
    assert returned.json()["assignee"]["username"] == "operator1"

    assert api.act(code, "submit", "operator1", title="Judul Kedua", body="Isi.").status_code == 200
    assert api.act(code, "review", "kasi", decision="approve").status_code == 200
    assert api.act(code, "forward", "kasi").status_code == 200

    back = api.act(code, "verify", "kabid", decision="return", note="Tambahkan kutipan.")
    assert back.status_code == 200
    detail = back.json()
    assert (detail["step"], detail["action"]) == (3, "submit")
    verify_run = [r for r in detail["step_runs"] if r["action"] == "verify"][-1]
    assert (verify_run["outcome"], verify_run["note"]) == ("return", "Tambahkan kutipan.")
    assert verify_run["version"] == 2

    assert (
        api.act(code, "submit", "operator1", title="Judul Ketiga", body="Isi.").status_code == 200
    )
    assert [v["number"] for v in api.get(f"/items/{code}", as_user="kasi").json()["versions"]] == [
        1,
        2,
        3,
    ]
    assert StepRun.objects.filter(item__code=code, outcome=StepRun.Outcome.RETURNED).count() == 2


def test_it_approves_and_forwards_in_one_request(api: ApiClient, walk: Any) -> None:
    code = walk("review")

    answer = api.act(code, "review", "kasi", decision="approve", forward=True)

    assert answer.status_code == 200
    detail = answer.json()
    assert (detail["step"], detail["action"]) == (5, "verify")
    assert detail["assignee"]["username"] == "kabid"
    assert [r["action"] for r in detail["step_runs"]][-3:] == ["review", "forward", "verify"]
