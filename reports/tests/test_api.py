"""GET /api/v1/reports/sop: the SOP's numbers as JSON for other government dashboards."""

from __future__ import annotations

from typing import Any

import pytest

from api.tests.conftest import ApiClient, api, static_without_manifest, tokens
from reports.tests.history import Clock

__all__ = ["api", "static_without_manifest", "tokens"]

WEEK = {"from": "2026-03-02", "to": "2026-03-09"}


def test_it_answers_per_step_returns_and_lead_time(api: ApiClient, history: Clock) -> None:
    response = api.get("/reports/sop", as_user="kasi", **WEEK)
    assert response.status_code == 200, response.json()
    data: dict[str, Any] = response.json()
    assert (data["date_from"], data["date_to"]) == ("2026-03-02", "2026-03-09")
    steps = {s["action"]: s for s in data["steps"]}
    assert steps["submit"]["wall_clock"] == {
        "count": 5,
        "median_seconds": 360,
        "p90_seconds": 600,
        "within_standard": 3,
        "share_within_standard": 0.6,
    }
    assert steps["direct"]["business_time"]["p90_seconds"] == 900
    assert steps["review"]["returned"] == 1
    assert steps["verify"]["returned"] == 1
    assert steps["submit"]["returned"] == 0
    assert data["returns"] == [
        {"step": 3, "total": 1, "by_reason": {"bahasa-ejaan": 1}},
        {"step": 5, "total": 1, "by_reason": {"akurasi-data": 1}},
    ]
    assert data["lead_time"]["standard_minutes"] == 21
    assert data["lead_time"]["wall_clock"]["median_seconds"] == 1680
    assert data["lead_time"]["wall_clock"]["within_standard"] == 1
    assert data["overdue_now"] == 1


def test_it_filters_by_region(api: ApiClient, history: Clock) -> None:
    data = api.get("/reports/sop", as_user="kabid", region="18.71", **WEEK).json()
    assert data["lead_time"]["wall_clock"]["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "kemarin"}, "to"),
        ({"to": "0"}, "to"),
        ({"to": "20260309"}, "to"),
    ],
)
def test_a_bad_date_is_a_400_with_a_sentence(
    api: ApiClient, history: Clock, query: dict[str, str], field: str
) -> None:
    response = api.get("/reports/sop", as_user="kasi", **query)
    assert response.status_code == 400
    assert f"“{field}” must be a date as YYYY-MM-DD." in response.json()["detail"]


def test_a_date_beyond_what_a_report_can_cover_is_a_400(api: ApiClient, history: Clock) -> None:
    # The day after 9999-12-31 does not exist: this was a 500.
    response = api.get("/reports/sop", as_user="kasi", **{"from": "2026-03-02", "to": "9999-12-31"})
    assert response.status_code == 400
    assert response.json()["detail"] == "“to” must be a date between 1900-01-01 and 2999-12-31."


def test_a_reversed_period_is_a_400(api: ApiClient, history: Clock) -> None:
    response = api.get("/reports/sop", as_user="kasi", **{"from": "2026-03-09", "to": "2026-03-02"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The end of the period is before its start."


def test_it_needs_a_token(api: ApiClient, history: Clock) -> None:
    assert api.get("/reports/sop", **WEEK).status_code == 401
