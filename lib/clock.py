"""The one place Warta asks for the time, so tests can move it."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """The office's date (Asia/Jakarta), not the UTC date: they differ 17:00-24:00 UTC."""
    return timezone.localdate(now())
