"""An export job: a report file written in the background, with its progress."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_export_code() -> str:
    return secrets.token_urlsafe(12)


class Export(models.Model):
    class Kind(models.TextChoices):
        REPORT_XLSX = "report_xlsx", _("Monthly report (XLSX)")
        REPORT_PDF = "report_pdf", _("Monthly report (PDF)")
        MONITORING_XLSX = "monitoring_xlsx", _("SOP monitoring form (XLSX)")
        MONITORING_PDF = "monitoring_pdf", _("SOP monitoring form (PDF)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    code = models.CharField(max_length=20, unique=True, default=new_export_code, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} ({self.state})"

    @property
    def is_pdf(self) -> bool:
        return self.kind.endswith("_pdf")
