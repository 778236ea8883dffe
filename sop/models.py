"""Each SOP file version Warta has run under, so a revised SOP never rewrites history."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sop.definition import Sop
from sop.loader import load_sop, parse_sop


@lru_cache(maxsize=16)
def _parsed(sha256: str, source: str, name: str) -> Sop:
    return parse_sop(source.encode(), name)


class SopVersionQuerySet(models.QuerySet["SopVersion"]):
    def current(self) -> SopVersion:
        """The version of the configured SOP file, recorded on first use."""
        sop = load_sop(settings.SOP_FILE)
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
