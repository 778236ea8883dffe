"""The outbox: one Publication per (Version, channel), each with its own state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.models import Item, Version


class Publication(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        POSTED = "posted", _("posted")
        RETRY = "retry", _("waiting to retry")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("unknown, being checked")
        RETRACTED = "retracted", _("retracted")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="publications")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="publications")
    channel = models.CharField(max_length=30)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=200, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "channel"], name="one_publication_per_version_channel"
            )
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.item} v{self.version.number} ({self.state})"
