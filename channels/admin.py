"""Admin pages: channel accounts (secrets write-only, a connection test) and the outbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from channels import actions, registry
from channels.models import ChannelAccount, Publication
from channels.remote import RemoteChannel
from newsroom.errors import ActionError

SECRET_FIELDS = {
    "page_access_token": _("Facebook Page access token"),
    "access_token": _("Access token"),
    "application_password": _("WordPress application password"),
    "refresh_token": _("X refresh token"),
    "client_secret": _("X client secret (confidential apps only)"),
}
CONFIG_FIELDS = {
    "page_id": _("Facebook Page id"),
    "ig_user_id": _("Instagram user id"),
    "flavour": _("Instagram login (facebook or instagram)"),
    "site_url": _("WordPress site address"),
    "username": _("WordPress user name"),
    "client_id": _("X app client id"),
    "api_base": _("API address (only to use a proxy or a test server)"),
}


class ChannelAccountForm(forms.ModelForm):
    """Settings as plain fields; secrets are never rendered back (empty keeps the old one)."""

    kind = forms.ChoiceField(label=_("channel"))
    # The admin renders declared fields only: one per setting and secret, all optional.
    locals().update(
        {f"config_{n}": forms.CharField(label=label, required=False)
         for n, label in CONFIG_FIELDS.items()}
        | {f"secret_{n}": forms.CharField(label=label, required=False,
                                          widget=forms.PasswordInput(render_value=False))
           for n, label in SECRET_FIELDS.items()}
    )  # fmt: skip

    class Meta:
        model = ChannelAccount
        fields = ["kind", "name", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(k, registry.label(k)) for k in actions.remote_kinds()]
        if self.instance.pk:
            kind_field.disabled = True
        for name in CONFIG_FIELDS:
            self.fields[f"config_{name}"].initial = (self.instance.config or {}).get(name, "")
        masked = self.instance.masked_secrets() if self.instance.pk else {}
        for name in SECRET_FIELDS:
            self.fields[f"secret_{name}"].help_text = (
                _("Stored: %(masked)s. Leave empty to keep it.") % {"masked": masked[name]}
                if name in masked
                else _("Leave empty if this channel does not use it.")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or self.instance.kind
        connector = registry.connector(kind) if kind in actions.remote_kinds() else None
        if isinstance(connector, RemoteChannel):
            allowed = (*connector.config_names, *actions.COMMON_CONFIG)
            errors, _config, _secrets = actions.check_account(
                kind,
                data.get("name", ""),
                self.values("config_", allowed),
                self.values("secret_", connector.secret_names),
            )
            for field, message in errors.items():
                self.add_error(None if field in ("config", "secrets") else field, message)
        return data

    def values(self, prefix: str, allowed: tuple[str, ...]) -> dict[str, str]:
        return {
            key[len(prefix) :]: value
            for key, value in self.cleaned_data.items()
            if key.startswith(prefix) and value and key[len(prefix) :] in allowed
        }


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    form = ChannelAccountForm
    list_display = ["name", "kind", "active", "needs_reconnect", "status_message"]
    list_filter = ["kind", "active", "needs_reconnect"]
    actions = ["test_connection"]

    def save_model(
        self, request: HttpRequest, obj: ChannelAccount, form: Any, change: bool
    ) -> None:
        connector = registry.connector(form.cleaned_data["kind"])
        assert isinstance(connector, RemoteChannel)
        config_allowed = (*connector.config_names, *actions.COMMON_CONFIG)
        # The form ran the same checks, so this does not refuse what the form accepted.
        actions.save_account(
            request.user,  # type: ignore[arg-type]
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            config=form.values("config_", config_allowed),
            secrets=form.values("secret_", connector.secret_names),
            active=form.cleaned_data["active"],
            account=obj,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return actions.is_channel_admin(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return actions.is_channel_admin(request.user)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting goes through the API, which refuses accounts with posts

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return actions.is_channel_admin(request.user)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actions.is_channel_admin(request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Test the connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[ChannelAccount]) -> None:
        for account in queryset:
            try:
                ok, message = actions.test_account(request.user, account)  # type: ignore[arg-type]
            except ActionError as exc:
                ok, message = False, exc.message
            level = messages.SUCCESS if ok else messages.ERROR
            self.message_user(request, f"{account.name}: {message}", level)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """The outbox, read-only: the item page's actions retry or record links."""

    list_display = ["item", "channel", "state", "attempts", "permalink", "last_error"]
    list_filter = ["channel", "state"]
    readonly_fields = [f.name for f in Publication._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
