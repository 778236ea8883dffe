"""Channel accounts (where to post, with encrypted secrets) and the outbox of Publications."""

from __future__ import annotations

import secrets as pysecrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from channels import secrets
from newsroom.models import Item, Version


class ChannelAccountQuerySet(models.QuerySet["ChannelAccount"]):
    def for_kind(self, kind: str) -> ChannelAccount | None:
        """The account posts of this kind go to (the oldest active one)."""
        return self.filter(kind=kind, active=True).order_by("pk").first()


class ChannelAccount(models.Model):
    """One Facebook Page, Instagram account, X account or WordPress site to post to.

    ``config`` holds what is not secret (page id, IG user id, site URL, api_base override,
    flavour); tokens and passwords live encrypted in ``secrets_encrypted`` and are never shown
    back in full.
    """

    kind = models.CharField(_("channel"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    secrets_encrypted = models.TextField(blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    needs_reconnect = models.BooleanField(_("needs reconnecting"), default=False)
    status_message = models.TextField(_("status"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChannelAccountQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("channel account")

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"

    @property
    def secrets(self) -> dict[str, str]:
        return secrets.decrypt(self.secrets_encrypted)

    def set_secrets(self, values: dict[str, str]) -> None:
        """Merge new secret values (an empty value removes that secret); caller saves."""
        merged = {**self.secrets, **values}
        self.secrets_encrypted = secrets.encrypt({k: v for k, v in merged.items() if v})

    def masked_secrets(self) -> dict[str, str]:
        try:
            return {k: secrets.mask(v) for k, v in self.secrets.items()}
        except secrets.SecretsUnreadable:
            return {}

    def secret(self, name: str) -> str:
        return self.secrets.get(name, "")

    def setting(self, name: str, default: Any = "") -> Any:
        return (self.config or {}).get(name) or default


def new_marker() -> str:
    return pysecrets.token_hex(5)


class RetractReason(models.TextChoices):
    """Why a post was taken down (shown on the website's notice; details stay in the audit)."""

    CORRECTION = "correction", _("correction")
    PERSONAL_DATA = "personal_data", _("personal-data takedown request")
    OTHER = "other", _("other reason")


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
    account = models.ForeignKey(
        ChannelAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
    )
    # Identifies this publication at the platform (a WordPress slug suffix, ...), so the post
    # can be found again after an unknown outcome.
    marker = models.CharField(max_length=20, default=new_marker, editable=False)
    # Remote ids remembered between attempts (an Instagram container, uploaded media).
    progress = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=200, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # Not sent before this time (chosen at hand-over or at posting); None: at once.
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # Retraction: asked for (the row stays posted until the platform confirms), done, or
    # left to a person because the platform cannot delete it (Instagram).
    retract_reason = models.CharField(max_length=20, choices=RetractReason.choices, blank=True)
    retract_requested_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    manual_takedown = models.BooleanField(default=False)
    # Corrections: the older version's row this one replaces on the platform (set when the
    # row is written), and when a newer version took this row's place (updated in place,
    # deleted and posted again, or left to a person to take down: ``manual_takedown``).
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "channel"], name="one_publication_per_version_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "lease_until"])]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.item} v{self.version.number} ({self.state})"

    @property
    def online(self) -> bool:
        """Whether this version is on the platform now: posted, and not replaced in place nor
        taken down (a post waiting to be taken down, by the worker or by hand, still is)."""
        if self.state != self.State.POSTED:
            return False
        return self.superseded_at is None or self.manual_takedown

    @property
    def note(self) -> str:
        """What the last finished act on the platform did besides the obvious (e.g. the
        photos a retraction removed too)."""
        return str((self.progress or {}).get("note", ""))
