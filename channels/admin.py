"""Admin pages: channel accounts (secrets write-only, a connection test) and the outbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import actions, oauth, registry, secrets
from channels.base import ChannelError
from channels.models import ChannelAccount, Publication
from channels.remote import RemoteChannel
from newsroom.errors import ActionError

# Session keys: sign-ins under way (by state), and Pages waiting to be picked (encrypted).
PENDING_SESSION_KEY = "channels_oauth_pending"
PAGES_SESSION_KEY = "channels_oauth_pages"
PENDING_MAX = 5

SECRET_FIELDS = {
    "page_access_token": _("Facebook Page access token"),
    "access_token": _("Access token"),
    "application_password": _("WordPress application password"),
    "refresh_token": _("X refresh token"),
    "client_secret": _("App secret (to connect by signing in; X: confidential apps only)"),
}
CONFIG_FIELDS = {
    "page_id": _("Facebook Page id"),
    "ig_user_id": _("Instagram user id"),
    "flavour": _("Instagram login (facebook or instagram)"),
    "site_url": _("WordPress site address"),
    "username": _("WordPress user name"),
    "client_id": _("App id / client id (to connect by signing in)"),
    "api_base": _("API address (only to use a proxy or a test server)"),
    "auth_base": _("Sign-in page address (only to use a proxy or a test server)"),
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
    readonly_fields = ["connection"]

    @admin.display(description=_("Connect by signing in"))
    def connection(self, obj: ChannelAccount) -> str:
        if obj.pk is None:
            return gettext("Save the account first, then connect it.")
        if not oauth.flow(obj):
            return gettext("This channel has no sign-in to connect with; enter its keys.")
        if not oauth.ready(obj):
            return gettext("Enter the app id and app secret, save, then connect.")
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:channels_channelaccount_oauth_start", args=[obj.pk]),
            gettext("Connect with %(platform)s") % {"platform": oauth.platform_name(obj)},
        )

    # --- connecting by signing in (OAuth) -----------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        own = [
            path("oauth/kembali/", view(self.oauth_return),
                 name="channels_channelaccount_oauth_return"),
            path("<int:pk>/sambungkan/", view(self.oauth_start),
                 name="channels_channelaccount_oauth_start"),
            path("<int:pk>/pilih-halaman/", view(self.pick_page),
                 name="channels_channelaccount_pick_page"),
        ]  # fmt: skip
        return own + super().get_urls()  # type: ignore[operator]

    def _account(self, request: HttpRequest, pk: int) -> ChannelAccount:
        if not actions.is_channel_admin(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return get_object_or_404(ChannelAccount, pk=pk)

    @staticmethod
    def _change_page(account: ChannelAccount | None) -> HttpResponseRedirect:
        if account is None:
            return HttpResponseRedirect(reverse("admin:channels_channelaccount_changelist"))
        return HttpResponseRedirect(
            reverse("admin:channels_channelaccount_change", args=[account.pk])
        )

    def oauth_start(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send the admin to the platform's sign-in page; remember state and PKCE verifier."""
        account = self._account(request, pk)
        if not oauth.ready(account):
            messages.error(request, self.connection(account))
            return self._change_page(account)
        callback = request.build_absolute_uri(reverse("admin:channels_channelaccount_oauth_return"))
        url, pending = oauth.begin(account, callback)
        waiting = dict(request.session.get(PENDING_SESSION_KEY, {}))
        waiting[pending.state] = pending.as_dict()
        request.session[PENDING_SESSION_KEY] = dict(list(waiting.items())[-PENDING_MAX:])
        return HttpResponseRedirect(url)

    def oauth_return(self, request: HttpRequest) -> HttpResponse:
        """The platform sends the admin back here with a code (or an error) and the state."""
        if not actions.is_channel_admin(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        waiting = dict(request.session.get(PENDING_SESSION_KEY, {}))
        raw = waiting.pop(request.GET.get("state", ""), None)  # a state is used once
        request.session[PENDING_SESSION_KEY] = waiting
        pending = oauth.Pending(**raw) if raw else None
        account = ChannelAccount.objects.filter(pk=pending.account).first() if pending else None
        try:
            if account is None:
                raise oauth.OAuthRefused(oauth.expired_message())
            grant = oauth.complete(account, pending, {k: str(v) for k, v in request.GET.items()})
        except (oauth.OAuthRefused, ChannelError) as exc:
            messages.error(request, exc.message)
            return self._change_page(account)
        if grant.pages:
            stored = dict(request.session.get(PAGES_SESSION_KEY, {}))
            stored[str(account.pk)] = secrets.encrypt({"pages": oauth.pages_to_text(grant.pages)})
            request.session[PAGES_SESSION_KEY] = stored
            return HttpResponseRedirect(
                reverse("admin:channels_channelaccount_pick_page", args=[account.pk])
            )
        return self._connect(request, account, grant)

    def _connect(
        self, request: HttpRequest, account: ChannelAccount, grant: oauth.Grant
    ) -> HttpResponse:
        user: Any = request.user
        try:
            account = actions.connect_account(
                user, account, config=grant.config, secrets=grant.secrets
            )
        except ActionError as exc:
            messages.error(request, exc.message)
            return self._change_page(account)
        ok, said = actions.test_account(user, account)
        level = messages.SUCCESS if ok else messages.WARNING
        messages.add_message(
            request,
            level,
            gettext("%(name)s is connected; the tokens are stored encrypted. %(test)s")
            % {"name": account.name, "test": said},
        )
        return self._change_page(account)

    def pick_page(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Facebook Login gave several Pages: the admin picks the one Warta posts to."""
        account = self._account(request, pk)
        stored = dict(request.session.get(PAGES_SESSION_KEY, {}))
        try:
            raw = secrets.decrypt(stored.get(str(pk), "")).get("pages", "")
        except secrets.SecretsUnreadable:
            raw = ""
        pages = oauth.pages_from_text(raw)
        if not pages:
            messages.error(request, oauth.expired_message())
            return self._change_page(account)
        error = ""
        if request.method == "POST":
            chosen = next((p for p in pages if p.id == request.POST.get("page")), None)
            if chosen is not None:
                stored.pop(str(pk), None)
                request.session[PAGES_SESSION_KEY] = stored
                return self._connect(request, account, oauth.chosen_page(account, chosen))
            error = gettext("Choose one of the Pages below.")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Choose the Page for %(name)s") % {"name": account.name},
            "account": account,
            "pages": pages,
            "error": error,
            "opts": self.model._meta,
        }
        return render(
            request, "channels/admin_pick_page.html", context, status=400 if error else 200
        )

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
