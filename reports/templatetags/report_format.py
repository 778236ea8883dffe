"""Numbers of the reports, written for people (in the active language)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from reports.monitoring import minutes as format_minutes

register = template.Library()

DASH = "–"


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as minutes, whole when whole, else one decimal; a dash when there is no value."""
    return DASH if seconds is None else format_minutes(seconds)


@register.filter
def percent(share: float | None) -> str:
    """A share (0..1) as a whole percentage; a dash when there is nothing to divide."""
    return DASH if share is None else f"{number_format(round(share * 100), decimal_pos=0)}%"
