from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from accounts.models import Delegation, User


@admin.register(User)
class WartaUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    search_fields = ("username", "first_name", "last_name")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Warta", {"fields": ("role",)}))  # type: ignore[misc]


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
