"""Template helpers of the staff UI: step timers, durations and SOP words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from channels import registry
from lib import clock
from newsroom import actions
from newsroom.models import StepRun, Version

register = template.Library()

WARN_FROM = 0.8  # share of the standard time from which a step shows amber


@dataclass(frozen=True)
class Timer:
    """Time spent on a step against its standard time; ``css`` is the colour class."""

    elapsed: timedelta
    standard: timedelta
    running: bool

    @property
    def ratio(self) -> float:
        if not self.standard:
            return float("inf") if self.elapsed else 0.0
        return self.elapsed / self.standard

    @property
    def css(self) -> str:
        if self.ratio > 1:
            return "timer-late"
        if self.ratio >= WARN_FROM:
            return "timer-warn"
        return "timer-ok"

    @property
    def percent(self) -> int:
        return min(int(self.ratio * 100), 999)


def timer_for(started_at: datetime, standard_minutes: int, finished_at: datetime | None) -> Timer:
    end = finished_at or clock.now()
    return Timer(
        elapsed=max(end - started_at, timedelta(0)),
        standard=timedelta(minutes=standard_minutes),
        running=finished_at is None,
    )


@register.filter
def timer(run: StepRun) -> Timer:
    """The run's timer: until now while it is open, its duration once finished."""
    return timer_for(run.started_at, run.standard_minutes, run.finished_at)


@register.filter
def duration(value: timedelta | None) -> str:
    """A short, human duration: "45 dtk", "12 mnt", "1 j 5 mnt", "2 hr 3 j"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


@register.filter
def seconds(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


@register.filter
def action_label(action: str) -> str:
    return actions.action_label(action)


@register.filter
def channel_label(kind: str) -> str:
    return registry.label(kind) if kind in registry.kinds() else kind


@register.filter
def version_body(version: Version) -> str:
    """The version's body as HTML: it was sanitised with nh3 when the version was written."""
    return mark_safe(version.body)  # noqa: S308


@register.simple_tag
def may_assign(user: User) -> bool:
    """Whether to offer "Penugasan baru" (a Kabid, or their acting official)."""
    return user.is_authenticated and actions.may_assign(user)
