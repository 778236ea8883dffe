"""Notification rows: what each person was told, by which notifier, and what became of it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotifyProfile(models.Model):
    """A person's WhatsApp number and which notifiers they want (all on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_profile"
    )
    whatsapp = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    # kind -> False for a notifier the person turned off; a kind missing here is on.
    preferences = models.JSONField(default=dict, blank=True)
    # The person's last message to the business: free text is allowed for 24 hours after it.
    whatsapp_last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification profile")
        constraints = [
            models.UniqueConstraint(
                fields=["whatsapp"], condition=~Q(whatsapp=""), name="one_user_per_whatsapp"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.whatsapp}".strip()

    def wants(self, kind: str) -> bool:
        return bool(self.preferences.get(kind, True))


def profile_of(user: Any) -> NotifyProfile:
    profile, _created = NotifyProfile.objects.get_or_create(user=user)
    return profile


class Delivery(models.Model):
    """One message to one person (or number) through one notifier, with its fate.

    ``key`` names the event (``task:<run>``, ``remind100:<run>``, ``reply:<wamid>``...): one row
    per (key, user, notifier), so a redelivered signal, a retried job or a second worker never
    sends twice.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        READ = "read", _("read")
        FAILED = "failed", _("failed")

    key = models.CharField(max_length=80)
    notifier = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    address = models.CharField(max_length=254, blank=True)
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True)
    item_code = models.CharField(max_length=12, blank=True, db_index=True)
    message = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker holds the row until then while it sends (claimed with a conditional update).
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "user", "notifier"], name="one_delivery_per_event_user_notifier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notifier} {self.key} → {self.user or self.address}: {self.state}"


class Notification(models.Model):
    """An in-app notice: what the bell counts until it is read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    item_code = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ProcessedWebhookMessage(models.Model):
    """An inbound WhatsApp message already handled (the platform redelivers)."""

    message_id = models.CharField(max_length=200, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message_id


class PendingReturn(models.Model):
    """A "Kembalikan" tap waiting for its reason: the person's next text message is the note."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item_code = models.CharField(max_length=12)
    action = models.CharField(max_length=20)
    version_sha = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} returns {self.item_code}"


class Reminder(models.Model):
    """A reminder (100 %) or escalation (200 %) for one StepRun: written before it is sent, so
    it is sent at most once, after a restart and with several workers alike."""

    class Level(models.IntegerChoices):
        REMIND = 100, _("reminder")
        ESCALATE = 200, _("escalation")

    step_run = models.ForeignKey(
        "newsroom.StepRun", on_delete=models.CASCADE, related_name="reminders"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step_run", "level"], name="one_reminder_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.step_run} {self.level}%"


class WhatsAppConfig(models.Model):
    """The admin's override of the WHATSAPP_* settings (one row); secrets are encrypted."""

    api_base = models.URLField(_("API base URL"), blank=True)
    phone_number_id = models.CharField(_("phone-number id"), max_length=40, blank=True)
    token_encrypted = models.TextField(blank=True, editable=False)
    app_secret_encrypted = models.TextField(blank=True, editable=False)
    verify_token_encrypted = models.TextField(blank=True, editable=False)
    # The last error that needs an admin (a refused token), shown in the admin.
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WhatsApp settings")
        verbose_name_plural = _("WhatsApp settings")

    def __str__(self) -> str:
        return str(_("WhatsApp settings"))

    @classmethod
    def load(cls) -> WhatsAppConfig:
        config, _created = cls.objects.get_or_create(pk=1)
        return config
