"""The report pages: dashboard, monitoring form, and what a phone gets."""

from __future__ import annotations

import json
import re

from django.test import Client

from reports.tests.history import Clock

WEEK = {"date_from": "2026-03-02", "date_to": "2026-03-09"}
EN = {"Accept-Language": "en"}


def signed_in(client: Client, username: str = "kasi") -> Client:
    assert client.login(username=username, password="rahasia-123")
    return client


def test_it_asks_for_a_sign_in(client: Client, history: Clock) -> None:
    response = client.get("/laporan/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "masuk" in response["Location"]


def test_the_dashboard_shows_charts_and_the_same_numbers_in_tables(
    client: Client, history: Clock
) -> None:
    response = signed_in(client).get("/laporan/", WEEK, headers=EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport" content="width=device-width' in html
    # Publications are dated by the real clock (outside this period): no channel chart.
    assert re.findall(r'<canvas data-chart="(\w+)"', html) == ["steps", "shares", "returns"]
    assert "chart.umd.min.js" in html and "reports/charts.js" in html
    # CSP: no inline script that runs and no style attributes; chart data is a JSON island.
    assert " style=" not in html
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _b in scripts)
    island = re.search(
        r'<script id="report-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert island is not None
    data = json.loads(island.group(1))
    assert data["steps"]["datasets"][1]["data"] == [2, 5, 7, 7, 2, 2, 1, 2]
    # Tables underneath: the production row reads 5 acts, median 6 min, 60 % within 7 min.
    assert re.search(
        r"<td>3</td>\s*<td>Production</td>\s*<td[^>]*>7</td>\s*<td[^>]*>5</td>"
        r"\s*<td[^>]*>6</td>\s*<td[^>]*>10</td>\s*<td[^>]*>60%</td>",
        html,
    )
    assert "table-responsive" in html
    assert "Overdue now" in html


def test_the_dashboard_filters_by_region_and_person(client: Client, history: Clock) -> None:
    response = signed_in(client).get(
        "/laporan/", {**WEEK, "region": "18.71", "person": "operator2"}, headers=EN
    )
    assert response.status_code == 200
    assert "Kota Bandar Lampung" in response.content.decode()
    assert response.context["report"].steps[2].wall.count == 1  # operator2's one production


def test_a_bad_period_is_a_400_with_the_message(client: Client, history: Clock) -> None:
    response = signed_in(client).get(
        "/laporan/", {"date_from": "2026-03-09", "date_to": "2026-03-02"}, headers=EN
    )
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_the_dashboard_speaks_indonesian_by_default(client: Client, history: Clock) -> None:
    html = signed_in(client).get("/laporan/", WEEK).content.decode()
    assert "Baku waktu" in html
    assert "Dikembalikan" in html


def test_the_monitoring_page_lists_the_steps_and_the_checklist(
    client: Client, history: Clock
) -> None:
    response = signed_in(client, "kabid").get("/laporan/monitoring/", WEEK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Monitoring Pelaksanaan SOP" in html
    assert "Berjalan dengan baik" in html
    assert "median 4 menit vs baku 7 menit; 1 kali dikembalikan" in html
    assert "mampu mendorong peningkatan kinerja" in html
    assert html.count('<td class="blank-cell"></td>') == 7 * 2 + 7 * 3


def test_the_nav_links_to_the_dashboard(client: Client, history: Clock) -> None:
    html = signed_in(client).get("/", headers=EN).content.decode()
    assert 'href="/laporan/"' in html


def test_a_date_filter_takes_only_yyyy_mm_dd(client: Client, history: Clock) -> None:
    signed_in(client)
    for value in ("0", "09/03/2026", "9999-12-31"):
        response = client.get("/laporan/", {**WEEK, "date_to": value})
        assert response.status_code == 400, value
        html = response.content.decode()
        assert "“Sampai” harus berupa tanggal" in html, value
    assert client.get("/laporan/monitoring/", {**WEEK, "date_from": "0"}).status_code == 400
