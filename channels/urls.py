from __future__ import annotations

from django.urls import path

from channels import views

app_name = "channels"
urlpatterns = [
    path("kalender/", views.publishing_calendar, name="calendar"),
    path("item/<str:code>/tarik/", views.retract, name="retract"),
    path(
        "item/<str:code>/kanal/<int:pk>/sudah-dihapus/",
        views.confirm_takedown,
        name="confirm_takedown",
    ),
]
