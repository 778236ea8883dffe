"""Business time: the seconds between two instants that fall inside office hours.

Office hours are per weekday in the office's time zone; public holidays and collective leave
(cuti bersama) count as closed days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Calendar:
    timezone: ZoneInfo
    # weekday (Monday = 0) -> (opens, closes); a weekday missing here is closed
    hours: dict[int, tuple[time, time]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        opens, closes = self.hours[day.weekday()]
        return (
            datetime.combine(day, opens, tzinfo=self.timezone),
            datetime.combine(day, closes, tzinfo=self.timezone),
        )


DEFAULT_HOURS = {weekday: (time(7, 30), time(16, 0)) for weekday in range(5)}


def business_seconds(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole seconds of office time between ``start`` and ``end`` (0 if end is not later)."""
    if end <= start:
        return 0
    local_start = start.astimezone(calendar.timezone)
    local_end = end.astimezone(calendar.timezone)
    total = timedelta()
    day = local_start.date()
    while day <= local_end.date():
        opening = calendar.opening(day)
        if opening is not None:
            lo, hi = max(opening[0], local_start), min(opening[1], local_end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return int(total.total_seconds())
