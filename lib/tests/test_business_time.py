"""Business time counts only office hours, skipping weekends and holidays."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lib.business_time import DEFAULT_HOURS, Calendar, business_seconds

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = Calendar(WIB, dict(DEFAULT_HOURS), frozenset({date(2026, 12, 25)}))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def test_it_counts_time_inside_office_hours() -> None:
    # Friday 27 November 2026, 09:00 to 09:07
    assert business_seconds(at(27, 9), at(27, 9, 7), OFFICE) == 7 * 60


def test_it_skips_the_weekend() -> None:
    # Friday 15:50 to Monday 07:40: 10 minutes on Friday, 10 on Monday
    assert business_seconds(at(27, 15, 50), at(30, 7, 40), OFFICE) == 20 * 60


def test_it_skips_nights_and_early_mornings() -> None:
    assert business_seconds(at(26, 17), at(27, 7, 0), OFFICE) == 0
    assert business_seconds(at(26, 6), at(26, 8), OFFICE) == 30 * 60


def test_it_skips_a_holiday() -> None:
    # Thursday 24 Dec 15:00 to Monday 28 Dec 08:30: 1 h on Thursday, Christmas closed, 1 h Monday
    start, end = at(24, 15, month=12), at(28, 8, 30, month=12)
    assert business_seconds(start, end, OFFICE) == 2 * 3600


def test_it_converts_from_utc() -> None:
    utc = ZoneInfo("UTC")
    # 02:00-03:00 UTC is 09:00-10:00 WIB
    start = datetime(2026, 11, 27, 2, tzinfo=utc)
    end = datetime(2026, 11, 27, 3, tzinfo=utc)
    assert business_seconds(start, end, OFFICE) == 3600


def test_a_closed_calendar_counts_nothing() -> None:
    closed = Calendar(WIB, {}, frozenset())
    assert business_seconds(at(27, 9), at(27, 12), closed) == 0
    assert business_seconds(at(27, 12), at(27, 9), OFFICE) == 0


def test_custom_hours_apply() -> None:
    saturday_half_day = Calendar(WIB, {5: (time(8), time(12))}, frozenset())
    assert business_seconds(at(28, 7), at(28, 13), saturday_half_day) == 4 * 3600
