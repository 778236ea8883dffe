from __future__ import annotations

from django.contrib import admin

from sop.models import Holiday, SopVersion, WorkingDay


@admin.register(SopVersion)
class SopVersionAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "sha256", "loaded_at")
    readonly_fields = ("slug", "version", "title", "filename", "sha256", "source", "loaded_at")


@admin.register(WorkingDay)
class WorkingDayAdmin(admin.ModelAdmin):
    list_display = ("weekday", "opens", "closes")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
