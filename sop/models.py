"""Each SOP file version Warta has run under, so a revised SOP never rewrites history."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.business_time import DEFAULT_HOURS, Calendar
from sop.definition import Sop
from sop.loader import load_sop, parse_sop


@lru_cache(maxsize=16)
def _parsed(sha256: str, source: str, name: str) -> Sop:
    return parse_sop(source.encode(), name)


@lru_cache(maxsize=4)
def _configured(path: str, mtime_ns: int, size: int) -> Sop:
    return load_sop(path)


def _configured_sop() -> Sop:
    """The configured SOP file, parsed again only when it changes on disk (every assign asks
    for it, and parsing and validating the YAML costs more than the rest of the action)."""
    path = Path(settings.SOP_FILE)
    try:
        stat = path.stat()
    except OSError:
        return load_sop(path)  # raises SopError naming the file
    return _configured(str(path), stat.st_mtime_ns, stat.st_size)


class SopVersionQuerySet(models.QuerySet["SopVersion"]):
    def current(self) -> SopVersion:
        """The version of the configured SOP file, recorded on first use."""
        sop = _configured_sop()
        version, _created = self.get_or_create(
            sha256=sop.sha256,
            defaults={
                "slug": sop.slug,
                "version": sop.version,
                "title": sop.identity.title,
                "source": settings.SOP_FILE.read_text(encoding="utf-8"),
                "filename": settings.SOP_FILE.name,
            },
        )
        return version


class SopVersion(models.Model):
    slug = models.SlugField(max_length=100)
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    source = models.TextField(help_text="The SOP file's text as it was loaded.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = SopVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("SOP version")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.sha256[:8]})"

    @property
    def sop(self) -> Sop:
        return _parsed(self.sha256, self.source, self.filename)


class WorkingDay(models.Model):
    """Office hours of one weekday (a weekday with no row is closed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(models.Model):
    """A public holiday or collective leave day: no business time is counted on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


def office_calendar() -> Calendar:
    """The office's calendar as configured by the admin (defaults: Mon-Fri 07:30-16:00)."""
    rows = list(WorkingDay.objects.all())
    hours = {r.weekday: (r.opens, r.closes) for r in rows} if rows else dict(DEFAULT_HOURS)
    return Calendar(
        timezone=ZoneInfo(settings.TIME_ZONE),
        hours=hours,
        holidays=frozenset(Holiday.objects.values_list("date", flat=True)),
    )
