from __future__ import annotations

from django.contrib import admin

from reports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "state", "progress", "requested_by", "created_at"]
    list_filter = ["kind", "state"]
    readonly_fields = ["code", "kind", "params", "state", "progress", "file", "error"]
