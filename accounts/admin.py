from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import actions
from accounts.models import ApiToken, Delegation, User

TOKEN_FIELDS = ("hint", "created_at", "expires_at", "last_used_at", "created_from", "user_agent")


class ApiTokenInline(admin.TabularInline):
    """The user's API tokens on their page; ticking "delete" revokes one."""

    model = ApiToken
    fields = TOKEN_FIELDS
    readonly_fields = TOKEN_FIELDS
    extra = 0
    can_delete = True
    verbose_name_plural = _("API tokens (tick “delete” and save to revoke)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # tokens are issued at POST /api/v1/auth/token only


@admin.register(User)
class WartaUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    search_fields = ("username", "first_name", "last_name")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Warta", {"fields": ("role",)}))  # type: ignore[misc]
    inlines = [ApiTokenInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is ApiToken:
            # Revocations go through the action (logged), not a bare delete.
            formset.save(commit=False)
            for token in formset.deleted_objects:
                actions.revoke_token(request.user, token)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every valid and expired API token; deleting one revokes it."""

    list_display = ("__str__", "user", "created_at", "expires_at", "last_used_at", "created_from")
    list_filter = ("user__role",)
    search_fields = ("user__username", "hint", "created_from")
    readonly_fields = ("user", *TOKEN_FIELDS)
    fields = readonly_fields
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        actions.revoke_token(request.user, obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            actions.revoke_token(request.user, token)  # type: ignore[arg-type]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("delegate", "kind", "principal", "starts_at", "ends_at")
    list_filter = ("kind",)
    autocomplete_fields = ("principal", "delegate")
    exclude = ("created_by",)

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
