"""The monitoring form: one row per step, assessed and noted from the data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import translation

from reports import metrics, monitoring
from reports.tests.history import Clock

WEEK = metrics.Filter(start=date(2026, 3, 2), end=date(2026, 3, 9))


def rows(f: metrics.Filter = WEEK) -> dict[int, monitoring.MonitoringRow]:
    return {r.number: r for r in monitoring.monitoring_form(f).rows}


def test_it_has_one_row_per_step_prefilled_from_the_data(history: Clock) -> None:
    form = rows()
    assert list(form) == [1, 2, 3, 4, 5, 6, 7]
    # Step 3 = production + correction, in office hours:
    # [60, 120, 120, 180, 240, 240, 300, 360, 480, 600] -> lower median 240 s; 8 of 10 <= 420 s.
    assert form[3].timing.median == 240
    assert form[3].timing.within == 8
    assert form[3].good is True  # 80 % >= the default 0.8
    # Step 2 in office hours: [240, 300, 360, 900]: 2 of 4 within 5 min.
    assert form[2].good is False
    with translation.override("en"):
        assert form[3].note == "median 4 min vs standard 7 min; returned once"
        assert form[2].note == "median 5 min vs standard 5 min"
        assert form[3].assessment == "Running well"
        assert form[2].assessment == "Not running well"


def test_the_notes_and_assessments_speak_indonesian(history: Clock) -> None:
    form = rows()
    with translation.override("id"):
        assert form[3].note == "median 4 menit vs baku 7 menit; 1 kali dikembalikan"
        assert form[3].assessment == "Berjalan dengan baik"
        assert form[2].assessment == "Tidak berjalan dengan baik"
        assert form[5].note == "median 2 menit vs baku 2 menit; 1 kali dikembalikan"


def test_the_threshold_is_a_setting(history: Clock, settings: Any) -> None:
    settings.MONITORING_GOOD_SHARE = 0.5
    assert rows()[2].good is True
    settings.MONITORING_GOOD_SHARE = 0.9
    assert rows()[3].good is False


def test_a_step_without_acts_has_no_assessment(history: Clock) -> None:
    empty = metrics.Filter(start=date(2025, 1, 1), end=date(2025, 1, 31))
    row = rows(empty)[1]
    assert row.good is None
    with translation.override("en"):
        assert row.assessment == "No data in this period"


def test_the_default_period_is_six_months_up_to_today() -> None:
    f = monitoring.default_filter(date(2026, 8, 31))
    assert (f.start, f.end) == (date(2026, 3, 1), date(2026, 8, 31))
    f = monitoring.default_filter(date(2026, 3, 31))
    # 31 September does not exist: six months before 31 March is 30 September.
    assert (f.start, f.end) == (date(2025, 10, 1), date(2026, 3, 31))
