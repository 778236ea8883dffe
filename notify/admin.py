from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from channels import http
from notify import alerts, crypto
from notify.models import Delivery, Notification, NotifyProfile, Reminder, WhatsAppConfig

SECRET_FIELDS = {
    "token": "token_encrypted",
    "app_secret": "app_secret_encrypted",
    "verify_token": "verify_token_encrypted",
}


class WhatsAppConfigForm(forms.ModelForm):
    """Secrets are write-only: leave a field empty to keep what is stored."""

    token = forms.CharField(
        label=_("access token"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    app_secret = forms.CharField(
        label=_("app secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    verify_token = forms.CharField(
        label=_("webhook verify token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    clear_secrets = forms.BooleanField(
        label=_("remove the stored secrets (use the environment's)"), required=False
    )

    class Meta:
        model = WhatsAppConfig
        fields = ["api_base", "phone_number_id"]

    def clean_api_base(self) -> str:
        """Refused when saved if it points into the office's network (checked again on use)."""
        api_base: str = self.cleaned_data.get("api_base") or ""
        if api_base and (refusal := http.refusal_of_saved_url(api_base)):
            raise forms.ValidationError(refusal)
        return api_base

    def save(self, commit: bool = True) -> WhatsAppConfig:
        config: WhatsAppConfig = super().save(commit=False)
        for field, column in SECRET_FIELDS.items():
            if self.cleaned_data.get("clear_secrets"):
                setattr(config, column, "")
            if value := self.cleaned_data.get(field):
                setattr(config, column, crypto.encrypt(value))
        if commit:
            config.save()
        return config


@admin.register(WhatsAppConfig)
class WhatsAppConfigAdmin(admin.ModelAdmin):
    form = WhatsAppConfigForm
    list_display = ["__str__", "phone_number_id", "last_error", "last_error_at"]
    readonly_fields = ["last_error", "last_error_at", "stored_secrets"]

    @admin.display(description=_("stored secrets"))
    def stored_secrets(self, obj: WhatsAppConfig) -> str:
        stored = [name for name, column in SECRET_FIELDS.items() if getattr(obj, column)]
        return ", ".join(stored) or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not WhatsAppConfig.objects.exists()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)
        alerts.clear()


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "notifier", "user", "address", "key", "state", "attempts"]
    list_filter = ["state", "notifier"]
    search_fields = ["item_code", "external_id", "user__username", "address"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotifyProfile)
class NotifyProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "whatsapp", "whatsapp_last_inbound_at"]
    search_fields = ["user__username", "whatsapp"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["user__username", "title", "item_code"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "step_run", "level"]
