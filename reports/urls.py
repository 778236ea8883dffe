from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("monitoring/", views.monitoring_form, name="monitoring"),
    path("ekspor/", views.export_create, name="export_create"),
    path("ekspor/<str:code>/", views.export_detail, name="export"),
    path("ekspor/<str:code>/unduh/", views.export_download, name="export_download"),
]
