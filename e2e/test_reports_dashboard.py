"""The SOP report on a phone: charts drawn by the vendored Chart.js under the CSP, the tables
underneath, nothing wider than the screen but the scrollable tables."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.testing import answer_second_step_in_browser
from reports.tests.history import Clock, clock, history

__all__ = ["clock", "history"]

pytestmark = [pytest.mark.e2e]


def test_the_dashboard_draws_its_charts_on_a_phone(
    phone: Any, history: Clock, console_errors: list[str], screenshot: Any
) -> None:
    page = phone()
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("kabid")
    page.get_by_label("Kata sandi").fill("rahasia-123")
    page.get_by_role("button", name="Masuk", exact=True).click()
    answer_second_step_in_browser(page)
    page.get_by_role("link", name="Laporan").click()
    expect(page.get_by_role("heading", name="Laporan SOP", level=1)).to_be_visible()
    # Steps, shares and returns (the publications of this history are dated today, outside
    # the period, so their chart is left out). Chart.js draws into each canvas.
    expect(page.locator("canvas[data-chart]")).to_have_count(3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_role("heading", name="Per langkah")).to_be_visible()
    screenshot(page, "reports-dashboard-phone")
    page.get_by_role("link", name="Formulir monitoring SOP").click()
    expect(page.get_by_text("Berjalan dengan baik").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "reports-monitoring-phone")
    assert console_errors == []
